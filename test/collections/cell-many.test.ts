import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Network } from '../../src/network/network.js'
import { allOnline, allReach, freshStore, Scope, within } from './harness.js'

// mosaik tests/collections/cell.rs: several writers and readers on four networks.

const scope = new Scope()
let nets: [Network, Network, Network, Network]
const t0 = performance.now()

beforeAll(async () => {
  nets = (await scope.networksKnowingEachOther(4)) as typeof nets
})
afterAll(async () => {
  await scope.dispose()
  console.log(`cell-many: ${(performance.now() - t0).toFixed(0)} ms`)
})

describe.concurrent('Cell: many members', () => {
  it('multiple readers converge on every write, overwrite and clear', async () => {
    const store = freshStore()
    const w = scope.writer<number>(nets[0], store)
    const readers = [1, 2, 3].map((i) => scope.reader<number>(nets[i as 1 | 2 | 3], store))
    await allOnline(w, ...readers)
    // Readers join as observers (never lead, never counted in a quorum), the writer as a normal member.
    expect(nets[0].groups.members.get(w.groupId.toString())?.preference).toBe('normal')
    for (const i of [1, 2, 3] as const)
      expect(nets[i].groups.members.get(w.groupId.toString())?.preference).toBe('observer')
    expect(w.getSnapshot().role).toBe('leader')

    await allReach(await within(5, 'write(42)', w.write(42)), ...readers)
    for (const r of readers) expect(r.read()).toBe(42)
    await allReach(await within(5, 'write(100)', w.write(100)), ...readers)
    for (const r of readers) expect(r.read()).toBe(100)
    await allReach(await within(5, 'clear', w.clear()), ...readers)
    for (const r of readers) expect(r.isEmpty()).toBe(true)
  })

  it('multiple writers take turns and all members agree', async () => {
    const store = freshStore()
    const w0 = scope.writer<number>(nets[0], store)
    const w1 = scope.writer<number>(nets[1], store)
    const r = scope.reader<number>(nets[2], store)
    await allOnline(w0, w1, r)

    await allReach(await within(5, 'w0 write(10)', w0.write(10)), r)
    expect(r.read()).toBe(10)
    await allReach(await within(5, 'w1 write(20)', w1.write(20)), r)
    expect(r.read()).toBe(20)
    const v = await within(5, 'w0 write(30)', w0.write(30))
    await allReach(v, r, w0, w1)
    expect(r.read()).toBe(30)
    expect(w0.read()).toBe(w1.read())
    expect(w0.read()).toBe(r.read())
  })

  it('many writers and many readers converge through write, overwrite, clear and write', async () => {
    const store = freshStore()
    const w0 = scope.writer<number>(nets[0], store)
    const w1 = scope.writer<number>(nets[1], store)
    const r0 = scope.reader<number>(nets[2], store)
    const r1 = scope.reader<number>(nets[3], store)
    await allOnline(w0, w1, r0, r1)

    await allReach(await within(5, 'w0 write(10)', w0.write(10)), r0, r1)
    expect([r0.read(), r1.read()]).toEqual([10, 10])
    await allReach(await within(5, 'w1 write(20)', w1.write(20)), r0, r1)
    expect([r0.read(), r1.read()]).toEqual([20, 20])
    await allReach(await within(5, 'w0 clear', w0.clear()), r0, r1)
    expect([r0.isEmpty(), r1.isEmpty()]).toEqual([true, true])
    await allReach(await within(5, 'w1 write(30)', w1.write(30)), r0, r1, w0)
    expect([w0.read(), w1.read(), r0.read(), r1.read()]).toEqual([30, 30, 30, 30])
  })

  it('concurrent writers all get distinct versions and every replica ends equal', async () => {
    const store = freshStore()
    const w0 = scope.writer<number>(nets[0], store)
    const w1 = scope.writer<number>(nets[1], store)
    const r = scope.reader<number>(nets[2], store)
    await allOnline(w0, w1, r)
    const versions = await within(
      10,
      '40 concurrent writes',
      Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? w1 : w0).write(i))),
    )
    expect(new Set(versions).size).toBe(40)
    const last = Math.max(...versions)
    await allReach(last, w0, w1, r)
    // The value is the write that got the highest version.
    expect(r.read()).toBe(versions.indexOf(last))
    expect(w0.read()).toBe(r.read())
    expect(w1.read()).toBe(r.read())
  })
})
