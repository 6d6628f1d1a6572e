import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { PeerId } from '../../../src/core/id.js'
import { MAX_CLAIMS_PER_PEER, Mesh } from '../../../src/groups/bond/mesh.js'
import { isRaftMessage, parseBondMessage } from '../../../src/groups/bond/messages.js'
import { StrictModeViolation } from '../../../src/groups/raft/index.js'
import { MAX_TERM_JUMP } from '../../../src/groups/raft/limits.js'
import { corroboratedAhead } from '../../../src/groups/sync/claims.js'
import type { SyncHost } from '../../../src/groups/sync/host.js'
import { isSyncMessage, type SyncMessage } from '../../../src/groups/sync/messages.js'
import { type FetchedSnapshot, SyncSession } from '../../../src/groups/sync/session.js'
import { Timers } from '../../../src/groups/timers.js'
import { Cluster } from '../raft/cluster.js'

const cmd = { t: 'cmd', b: new Uint8Array([1]) }
const append = (over: Record<string, unknown>) => ({
  type: 'appendEntries',
  from: 'l',
  to: 'me',
  term: 3,
  prevIndex: 4,
  prevTerm: 2,
  commit: 4,
  entries: [
    { term: 2, index: 5, command: cmd },
    { term: 3, index: 6, command: cmd },
  ],
  ...over,
})

describe('numbers from peers', () => {
  it('accepts a well-formed AppendEntries and refuses unsafe or inconsistent numbers', () => {
    expect(isRaftMessage(append({}), 'l', 'me')).toBe(true)
    for (const [what, over] of [
      ['term 2^53', { term: 2 ** 53 }],
      ['term past 2^52', { term: 2 ** 52 + 2 }],
      ['fractional index', { prevIndex: 4.5 }],
      ['commit 2^53', { commit: 2 ** 53 }],
      ['a gap in the entries', { entries: [{ term: 2, index: 6, command: cmd }] }],
      ['an entry term of 2^53', { entries: [{ term: 2 ** 53, index: 5, command: cmd }] }],
    ] as const) {
      expect(isRaftMessage(append(over), 'l', 'me'), what).toBe(false)
    }
    const vote = { type: 'requestVote', from: 'l', to: 'me', lastIndex: 1, lastTerm: 1 }
    expect(isRaftMessage({ ...vote, term: 2 ** 53 }, 'l', 'me')).toBe(false)
    expect(parseBondMessage({ type: 'ping', seq: 2 ** 53 }, 'l', 'me')).toBeUndefined()
    expect(parseBondMessage({ type: 'welcome', preference: 'normal', bonds: [], applied: 1e300 }, 'l', 'me')).toBe(
      undefined,
    )
    expect(isSyncMessage({ type: 'offer', index: 1, term: 1, items: 2 ** 60 })).toBe(false)
  })

  it('a vote request far past our term changes nothing; the group elects and commits as before', () => {
    const cluster = new Cluster({ noop: true })
    for (const id of ['a', 'b', 'c']) cluster.add(id)
    cluster.campaign('a')
    cluster.stabilize()
    const term = cluster.get('b').raft.status().term
    cluster.get('b').raft.step({
      type: 'requestVote',
      from: 'x',
      to: 'b',
      term: term + MAX_TERM_JUMP + 1,
      lastIndex: 2 ** 40,
      lastTerm: term + MAX_TERM_JUMP + 1,
    })
    cluster.stabilize()
    expect(cluster.get('b').raft.status().term).toBe(term)
    expect(cluster.leader()?.id).toBe('a')
    cluster.get('a').raft.propose(['after'])
    cluster.stabilize()
    expect(cluster.get('b').applied).toContain('after')
  })
})

describe('claims and offers', () => {
  it('one peer claiming 2^50 among honest ones does not set the pull target', () => {
    const honest = [
      { peer: 'r', applied: 15 },
      { peer: 'x', applied: 2 ** 50 },
    ]
    expect(corroboratedAhead(15, honest)).toBeUndefined()
    expect(corroboratedAhead(3, honest)).toEqual({ peers: ['r'], applied: 15 })
    expect(
      corroboratedAhead(3, [
        { peer: 'r', applied: 15 },
        { peer: 's', applied: 15 },
        { peer: 'x', applied: 2 ** 50 },
      ]),
    ).toEqual({ peers: ['r', 's'], applied: 15 })
  })

  function session(bonded: PeerId[], vouch: () => number | undefined, pull?: PeerId[], minIndex = 0) {
    const clock = new ManualClock()
    const sent: { to: PeerId; m: SyncMessage }[] = []
    const refused: PeerId[] = []
    const host: SyncHost = {
      local: 'me',
      timers: new Timers(clock),
      config: { fetchBatchSize: 10, snapshotTtl: 1_000, snapshotRequestTimeout: 1_500, fetchTimeout: 500 },
      send: (to, m) => {
        sent.push({ to, m })
        return true
      },
      bonded: () => bonded,
      leader: () => 'l',
      refused: (p) => refused.push(p),
      telemetry: () => {},
    }
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(host, minIndex, (r) => (result = r), pull, vouch)
    s.request()
    sent.splice(0)
    return { s, sent, refused, clock, result: () => result }
  }

  it('refuses offers from peers not asked, and installs nothing above the commit the leader vouched for', () => {
    let vouched = 10
    const { s, sent, refused, clock } = session(['l', 'b'], () => vouched)
    s.offer('stranger', { type: 'offer', index: 5, term: 1, items: 3 })
    expect(refused).toEqual(['stranger'])
    s.offer('b', { type: 'offer', index: 2 ** 50, term: 1, items: 3 })
    s.offer('l', { type: 'offer', index: 2 ** 50, term: 1, items: 3 })
    clock.advance(1_000)
    expect(sent).toEqual([])
    // The leader's commit reaches the offered position: now it may be fetched.
    vouched = 2 ** 50
    s.vouchChanged()
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.every((x) => x.m.type === 'fetch' && x.m.index === 2 ** 50)).toBe(true)
  })

  it('a pull session takes offers only from its sources and only at the agreed position', () => {
    const { s, sent, refused, clock } = session(['r', 'x'], () => undefined, ['r'], 15)
    s.offer('x', { type: 'offer', index: 15, term: 1, items: 3 })
    s.offer('r', { type: 'offer', index: 2 ** 50, term: 1, items: 3 })
    clock.advance(200)
    expect(refused).toEqual(['x'])
    expect(sent).toEqual([])
    s.offer('r', { type: 'offer', index: 15, term: 1, items: 3 })
    expect(sent).toEqual([{ to: 'r', m: { type: 'fetch', index: 15, start: 0, end: 3 } }])
  })

  it('an offer claiming 1e11 items allocates nothing up front: batches are made as they are fetched', () => {
    const { s, sent } = session(['b'], () => 100)
    const before = process.memoryUsage().heapUsed
    s.offer('b', { type: 'offer', index: 50, term: 1, items: 1e11 })
    expect(sent).toEqual([{ to: 'b', m: { type: 'fetch', index: 50, start: 0, end: 10 } }])
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024)
  })
})

describe('mesh claims', () => {
  it(`one peer's bondFormed claims grow the mesh by at most ${MAX_CLAIMS_PER_PEER} edges`, () => {
    const mesh = new Mesh('me', () => {})
    mesh.local('x', true)
    for (let i = 0; i < 40_000; i++) mesh.remote('x', `fake-${i}`, true)
    expect(mesh.edges().length).toBe(1 + MAX_CLAIMS_PER_PEER)
    mesh.forget('x')
    expect(mesh.edges().length).toBe(1)
  })
})

describe('strict mode against a hostile append', () => {
  it('refuses a cut of committed entries before changing anything, even who it follows', () => {
    const cluster = new Cluster({ noop: true, minVoters: 3 })
    for (const id of ['a', 'b', 'c']) cluster.add(id)
    cluster.campaign('a')
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    const b = cluster.get('b').raft
    const before = b.status()
    expect(before.commit).toBeGreaterThanOrEqual(2)
    const committed = b.entries(1, before.commit)
    const forged = {
      type: 'appendEntries' as const,
      from: 'c',
      to: 'b',
      term: before.term,
      prevIndex: 0,
      prevTerm: 0,
      commit: before.commit,
      entries: [{ index: 1, term: before.term, leader: 'forger', command: 'FORGED' }],
    }
    expect(() => b.step(forged)).toThrow(StrictModeViolation)
    const after = b.status()
    expect(after.leader).toBe('a')
    expect(after.commit).toBe(before.commit)
    expect(b.entries(1, before.commit)).toEqual(committed)
  })
})
