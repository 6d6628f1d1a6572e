import { describe, expect, it } from 'vitest'
import { ReplicatedMap, Vec } from '../../src/collections/index.js'
import { grant, groupOf, ticketsSeen, validator, writeBuilder, writeValidator } from './auth-helpers.js'
import { closing, fast, freshStore, online, reach } from './collection-harness.js'
import { testScope, within } from './harness.js'

// The collections take Cell's `auth` / `writeAuth` ticket validators (mosaik
// tests/collections/auth.rs, for the other collections): only ticket holders replicate,
// and only write-ticket holders' writes apply.

describe('collections with tickets', () => {
  it('a map replicates between ticket holders; an outsider never comes online and stays empty', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    await grant([n0!, n1!])
    await ticketsSeen([n0!, n1!, n2!])
    const store = freshStore()
    const options = fast({ auth: [validator] })
    const w = ReplicatedMap.writer<string, number>(n0!, store, options)
    const r = ReplicatedMap.reader<string, number>(n1!, store, options)
    const outsider = ReplicatedMap.reader<string, number>(n2!, store, options)
    closing(ctx, w, r, outsider)
    await online(w, r)
    await reach(await within(5, 'insert', w.insert('a', 1)), r)
    await reach(await w.insert('b', 2), r)
    expect([...r.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
    ])
    expect([outsider.len(), outsider.version(), outsider.getSnapshot().online]).toEqual([0, 0, false])
  })

  it('writeAuth: a vec writer holding only a member ticket is refused unauthorized, and replicates', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    await grant([n0!, n1!])
    n0!.discovery.addTicket(await writeBuilder.build(n0!.peerId))
    await ticketsSeen([n0!, n1!])
    const store = freshStore()
    const options = fast({ auth: [validator], writeAuth: [writeValidator] })
    const w = Vec.writer<number>(n0!, store, options)
    const pretender = Vec.writer<number>(n1!, store, options)
    closing(ctx, w, pretender)
    await online(w, pretender)
    expect(groupOf(w as never).isLeader()).toBe(true)
    await expect(pretender.pushBack(666)).rejects.toMatchObject({ name: 'CellError', kind: 'unauthorized', value: 666 })
    await reach(await w.pushBack(1), pretender)
    expect(pretender.values()).toEqual([1])
  })
})
