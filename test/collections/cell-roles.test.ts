import { describe, expect, it } from 'vitest'
import { encode } from '../../src/core/codec.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import type { Network } from '../../src/network/network.js'
import { rawBond } from '../groups/helpers/raw-bond.js'
import { waitFor } from '../groups/helpers/wait.js'
import { grant, groupOf, refusal, ticketsSeen, validator, writeBuilder, writeValidator } from './auth-helpers.js'
import { allOnline, allReach, freshStore, testScope, within } from './harness.js'

// Roles are granted, not declared (issue #11). A peer that knows only a cell's store id can
// prove the group key; these tests bond such a peer by the raw protocol and send what its
// granted role may not: a forwarded write, votes, snapshot offers and progress claims.

/** A forwarded cell write of `value`, as a follower's driver would send it. */
function forwardedWrite(from: string, to: string, term: number, value: unknown) {
  const command = { type: 'write', value: encode(value) }
  return {
    type: 'raft',
    m: { type: 'forwardCommand', term, from, to, requestId: 1, commands: [{ t: 'cmd', b: encode(command) }] },
  }
}

/** Resolves once `by` reports a bond with `remote` up (its granted preference inside). */
function bondUp(by: Network, remote: string): Promise<Extract<TelemetryEvent, { type: 'group.bond' }>> {
  return within(
    10,
    `${by.peerId.slice(-6)} to bond with ${remote.slice(-6)}`,
    new Promise((resolve) => {
      const off = by.onTelemetry((e) => {
        if (e.type === 'group.bond' && e.peer === by.peerId && e.remote === remote && e.up) {
          off()
          resolve(e)
        }
      })
    }),
  )
}

function valuesSeen(cell: { subscribe(l: () => void): () => void; read(): unknown }): unknown[] {
  const seen: unknown[] = []
  cell.subscribe(() => seen.push(cell.read()))
  return seen
}

describe('a peer that bonded as an observer (open cell, no tickets)', () => {
  it('never has a forwarded write applied, while a peer bonded as normal does (the control)', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    const store = freshStore()
    const w = scope.writer<number>(n0!, store)
    await allOnline(w)
    // A second writer: with the raw peer counted as a voter (the control), two of three voters
    // still make a quorum although the raw peer never acknowledges entries.
    const r = scope.writer<number>(n1!, store)
    await allOnline(w, r)
    const seen = valuesSeen(r)
    const term = groupOf(w).getSnapshot().term

    const observer = await rawBond(n2!, n0!.peerId, w.groupId, store, 'observer')
    expect((await bondUp(n0!, n2!.peerId)).remotePreference).toBe('observer')
    const refused = refusal(n0!, n2!.peerId, 'role')
    observer.send(forwardedWrite(n2!.peerId, n0!.peerId, term, 666))
    expect((await within(10, 'the forward to be refused', refused)).detail).toMatch(/forwardCommand/)
    const v = await w.write(1)
    await allReach(v, r)
    expect(seen).not.toContain(666)
    expect(r.read()).toBe(1)
    observer.close()

    // The control: the same frame from a peer bonded as `normal` is applied (an open cell lets
    // anyone who knows its id write; see README "Access control").
    await waitFor(
      [groupOf(w)],
      'the observer bond to close',
      () => !groupOf(w).getSnapshot().bonds.includes(n2!.peerId),
    )
    const normal = await rawBond(n2!, n0!.peerId, w.groupId, store, 'normal')
    await bondUp(n0!, n2!.peerId)
    normal.send(forwardedWrite(n2!.peerId, n0!.peerId, term, 777))
    await waitFor([groupOf(r)], 'the forwarded write to reach the reader', () => r.read() === 777)
    normal.close()
  })

  it('never has a vote request or vote counted: the leader keeps its term and office', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    const store = freshStore()
    const w = scope.writer<number>(n0!, store)
    const r = scope.reader<number>(n1!, store)
    await allOnline(w, r)
    const { term } = groupOf(w).getSnapshot()
    const observer = await rawBond(n2!, n0!.peerId, w.groupId, store, 'observer')
    await bondUp(n0!, n2!.peerId)
    const requestRefused = refusal(n0!, n2!.peerId, 'role')
    const from = n2!.peerId
    const to = n0!.peerId
    observer.send({
      type: 'raft',
      m: { type: 'requestVote', term: term + 5, from, to, lastIndex: 1e6, lastTerm: term + 4 },
    })
    expect((await within(10, 'the vote request to be refused', requestRefused)).detail).toMatch(/requestVote/)
    const voteRefused = refusal(n0!, n2!.peerId, 'role')
    observer.send({ type: 'raft', m: { type: 'vote', term, from, to, vote: 'granted' } })
    expect((await within(10, 'the vote to be refused', voteRefused)).detail).toMatch(/vote/)
    const appendRefused = refusal(n0!, n2!.peerId, 'role')
    observer.send({
      type: 'raft',
      m: { type: 'appendEntries', term: term + 9, from, to, prevIndex: 0, prevTerm: 0, commit: 0, entries: [] },
    })
    expect((await within(10, 'the entries to be refused', appendRefused)).detail).toMatch(/appendEntries/)
    const v = await w.write(3)
    await allReach(v, r)
    expect(groupOf(w).getSnapshot()).toMatchObject({ term, role: 'leader' })
    observer.close()
  })

  it('never has an unsolicited snapshot offer or snapshot data installed', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n2] = await scope.networksKnowingEachOther(2)
    const store = freshStore()
    const w = scope.writer<number>(n0!, store)
    await allOnline(w)
    const v0 = await w.write(3)
    const syncs = syncEvents(n0!)
    const observer = await rawBond(n2!, n0!.peerId, w.groupId, store, 'observer')
    await bondUp(n0!, n2!.peerId)
    await offerAndData(n0!, n2!.peerId, observer)
    const v = await w.write(4)
    expect(v).toBe(v0 + 1)
    expect(w.read()).toBe(4)
    expect(syncs).toEqual([])
    observer.close()
  })
})

/** Records `group.sync` telemetry of `net` from now on. */
function syncEvents(net: Network): TelemetryEvent[] {
  const events: TelemetryEvent[] = []
  net.onTelemetry((e) => e.type === 'group.sync' && events.push(e))
  return events
}

/** Sends a snapshot offer and snapshot data far ahead; waits until `by` refused both. */
async function offerAndData(by: Network, remote: string, bond: { send(f: Record<string, unknown>): boolean }) {
  const offerRefused = refusal(by, remote, 'role')
  bond.send({ type: 'sync', m: { type: 'offer', index: 1_000_000, term: 1, items: 1 } })
  expect((await within(10, 'the offer to be refused', offerRefused)).detail).toMatch(/offer/)
  const dataRefused = refusal(by, remote, 'role')
  bond.send({ type: 'sync', m: { type: 'data', index: 1_000_000, start: 0, items: [encode(666)] } })
  expect((await within(10, 'the data to be refused', dataRefused)).detail).toMatch(/data/)
}

describe('a reader-ticket holder (writeAuth)', () => {
  it('never has a progress claim, snapshot offer or data installed, even by a writer new in office', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n2] = await scope.networksKnowingEachOther(2)
    await grant([n0!, n2!])
    n0!.discovery.addTicket(await writeBuilder.build(n0!.peerId))
    await ticketsSeen([n0!, n2!])
    const store = freshStore()
    const w = scope.writer<number>(n0!, store, { auth: [validator], writeAuth: [writeValidator] })
    const syncs = syncEvents(n0!)
    // Bonds while the writer is new in office, claiming far more progress: a progress claim
    // believed here would make the writer step aside and pull the claimant's state.
    const reader = await rawBond(n2!, n0!.peerId, w.groupId, store, 'normal', 1_000_000)
    expect((await bondUp(n0!, n2!.peerId)).remotePreference).toBe('observer')
    await allOnline(w)
    reader.send({ type: 'ping', seq: 1, applied: 2_000_000 })
    await offerAndData(n0!, n2!.peerId, reader)
    const v = await w.write(4)
    expect(w.read()).toBe(4)
    expect(v).toBeLessThan(10)
    expect(syncs).toEqual([])
    expect(groupOf(w).isLeader()).toBe(true)
    reader.close()
  })
})

describe('a peer that declares itself a writer without write tickets (writeAuth)', () => {
  it('is bonded as an observer: its forwarded write is refused, a write-ticket holder’s is applied', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    await grant([n0!, n1!, n2!])
    n0!.discovery.addTicket(await writeBuilder.build(n0!.peerId))
    n1!.discovery.addTicket(await writeBuilder.build(n1!.peerId))
    await ticketsSeen([n0!, n1!, n2!])
    const store = freshStore()
    const options = { auth: [validator], writeAuth: [writeValidator] }
    const w = scope.writer<number>(n0!, store, options)
    await allOnline(w)
    // A second writer keeps a quorum once the raw peer is granted a vote it never casts.
    const r = scope.writer<number>(n1!, store, options)
    await allOnline(w, r)
    const seen = valuesSeen(r)
    const term = groupOf(w).getSnapshot().term

    const pretender = await rawBond(n2!, n0!.peerId, w.groupId, store, 'normal')
    expect((await bondUp(n0!, n2!.peerId)).remotePreference).toBe('observer')
    const refused = refusal(n0!, n2!.peerId, 'role')
    pretender.send(forwardedWrite(n2!.peerId, n0!.peerId, term, 666))
    await within(10, 'the forward to be refused', refused)
    const voteRefused = refusal(n0!, n2!.peerId, 'role')
    const from = n2!.peerId
    pretender.send({
      type: 'raft',
      m: { type: 'requestVote', term: term + 5, from, to: n0!.peerId, lastIndex: 9, lastTerm: 9 },
    })
    await within(10, 'the vote request to be refused', voteRefused)
    const v = await w.write(1)
    await allReach(v, r)
    expect(seen).not.toContain(666)
    expect(groupOf(w).getSnapshot()).toMatchObject({ term, role: 'leader' })

    // Granted a write ticket, the same peer is a writer: re-checked on its discovery update.
    const regranted = within(
      10,
      'the peer to be regranted as normal',
      new Promise<void>((resolve) => {
        const off = n0!.onTelemetry((e) => {
          if (e.type === 'group.bond' && e.remote === n2!.peerId && e.remotePreference === 'normal') {
            off()
            resolve()
          }
        })
      }),
    )
    n2!.discovery.addTicket(await writeBuilder.build(n2!.peerId))
    await regranted
    pretender.send({
      ...forwardedWrite(n2!.peerId, n0!.peerId, term, 777),
      m: { ...forwardedWrite(n2!.peerId, n0!.peerId, term, 777).m, requestId: 2 },
    })
    await waitFor([groupOf(r)], 'the granted writer’s write to reach the reader', () => r.read() === 777)
    pretender.close()
  })
})
