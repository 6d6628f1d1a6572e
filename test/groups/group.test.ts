import { afterEach, describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../../src/core/clock.js'
import { decode, EncodingError, encode } from '../../src/core/codec.js'
import { fromWire } from '../../src/groups/bond/wire-entries.js'
import { DEFAULT_CONSENSUS } from '../../src/groups/config.js'
import { deriveGroupId } from '../../src/groups/group-id.js'
import { Groups } from '../../src/groups/groups.js'
import { MAX_CALL_COMMANDS } from '../../src/groups/raft-config.js'
import { MemoryStorage } from '../../src/groups/storage.js'
import type { Group, JoinOptions } from '../../src/groups/types.js'
import { Counter, type CounterCmd, type CounterItem, type CounterQuery } from './helpers/counter.js'
import { FakeHub, type FakeNetwork } from './helpers/fake-network.js'
import { advance, advanceUntil, settle } from './helpers/manual.js'

type G = Group<CounterCmd, CounterQuery, number>
let stops: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(stops.map((s) => s()))
  stops = []
})

function join(
  net: FakeNetwork,
  clock: ManualClock,
  extra: Partial<JoinOptions<CounterCmd, CounterQuery, number, CounterItem>> = {},
): { group: G; sm: Counter; telemetry: () => FakeNetwork['telemetry'] } {
  const groups = net.service('groups', () => new Groups(net))
  stops.push(() => net.stop())
  const sm = new Counter()
  return {
    group: groups.join({ key: 'driver', stateMachine: sm, clock, ...extra }),
    sm,
    telemetry: () => net.telemetry.filter((e) => 'peer' in e && e.peer === net.peerId),
  }
}

/** Three members online in virtual time; `old` is the leader. */
async function threeOnline() {
  const clock = new ManualClock()
  const hub = new FakeHub()
  const ms = ['peer-a', 'peer-b', 'peer-c'].map((p) => join(hub.node(p), clock))
  await advanceUntil(clock, 'online', () => ms.every((m) => m.group.getSnapshot().online))
  const old = ms.find((m) => m.group.isLeader()) as (typeof ms)[number]
  return { clock, hub, old, rest: ms.filter((m) => m !== old) }
}

describe('the group driver (virtual time)', () => {
  it('a lone first member elects itself well within a second', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const { group } = join(hub.node('peer-a'), clock)
    const took = await advanceUntil(clock, 'online', () => group.getSnapshot().online)
    expect(took).toBeLessThan(1_000)
    expect(group.isLeader()).toBe(true)
  })

  it('two members wait out the bootstrap delay before the first election', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock).group
    const b = join(hub.node('peer-b'), clock).group
    const took = await advanceUntil(clock, 'both online', () => a.getSnapshot().online && b.getSnapshot().online)
    // bootstrap 3 s + election timeout 2 s (+ up to 500 ms jitter), as mosaik; a rare split
    // vote (both timers in the same instant) costs one more election timeout.
    const { bootstrapDelay, electionTimeout } = DEFAULT_CONSENSUS
    expect(took).toBeGreaterThanOrEqual(bootstrapDelay + electionTimeout - 100)
    expect(took).toBeLessThan(bootstrapDelay + 2 * electionTimeout * 1.25 + 200)
    expect(a.leader()).toBe(b.leader())
  })

  it('a bond whose peer falls silent goes down after maxMissedHeartbeats, and comes back after it heals', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock).group
    const b = join(hub.node('peer-b'), clock).group
    await advanceUntil(clock, 'bonded', () => a.getSnapshot().bonds.length === 1 && b.getSnapshot().bonds.length === 1)
    hub.cut('peer-a', 'peer-b')
    // 10 missed beats of 350–500 ms each.
    await advance(clock, 3_000)
    expect(a.getSnapshot().bonds).toEqual(['peer-b'])
    const down = await advanceUntil(clock, 'bond down', () => a.getSnapshot().bonds.length === 0, 5_000)
    expect(3_000 + down).toBeLessThanOrEqual(5_600)
    hub.heal('peer-a', 'peer-b')
    await advanceUntil(
      clock,
      'bond back',
      () => a.getSnapshot().bonds.length === 1 && b.getSnapshot().bonds.length === 1,
      20_000,
    )
    await advanceUntil(
      clock,
      'one leader',
      () => a.getSnapshot().online && b.getSnapshot().online && a.leader() === b.leader(),
      20_000,
    )
  })

  it('a member that leaves says departure: the other drops the bond at once and does not redial', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock).group
    const nb = hub.node('peer-b')
    const b = join(nb, clock).group
    await advanceUntil(clock, 'bonded', () => a.getSnapshot().bonds.length === 1)
    await b.leave()
    await settle()
    expect(a.getSnapshot().bonds).toEqual([])
    const pairs = hub.openPairs
    await advance(clock, 5_000, 50)
    expect(hub.openPairs).toBe(pairs)
    expect(nb.telemetry.at(-1)).toMatchObject({ type: 'group.left' })
  })

  it('execute resolves with the applied version and strong queries read it', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock)
    const b = join(hub.node('peer-b'), clock)
    await advanceUntil(clock, 'online', () => a.group.getSnapshot().online && b.group.getSnapshot().online)
    const follower = a.group.isLeader() ? b : a
    const p = follower.group.executeMany([
      { k: 'x', by: 2 },
      { k: 'y', by: 3 },
    ])
    await advanceUntil(clock, 'applied', () => follower.sm.applied === 2)
    const range = await p
    expect(range.last - range.first).toBe(1)
    expect(follower.group.committed()).toBeGreaterThanOrEqual(range.last)
    const q = follower.group.query('total', 'strong')
    await advance(clock, 100)
    expect(await q).toEqual({ result: 5, at: follower.group.committed() })
  })

  it("uses a state machine's own command codec: encoded by the caller, decoded on every replica, refusals skipped", async () => {
    /** A counter with a command codec of its own that refuses the key `bad` when decoding. */
    class CodecCounter extends Counter {
      encoded = 0
      decoded = 0
      encodeCommand(c: CounterCmd): Uint8Array {
        this.encoded++
        return encode(c)
      }
      decodeCommand(bytes: Uint8Array): CounterCmd {
        this.decoded++
        const c = decode<CounterCmd>(bytes)
        if (c.k === 'bad') throw new EncodingError('refused by the codec')
        return c
      }
    }
    const clock = new ManualClock()
    const hub = new FakeHub()
    const ms = ['peer-a', 'peer-b', 'peer-c'].map((p) => {
      const sm = new CodecCounter()
      return { ...join(hub.node(p), clock, { stateMachine: sm }), sm }
    })
    await advanceUntil(clock, 'online', () => ms.every((m) => m.group.getSnapshot().online))
    const follower = ms.find((m) => !m.group.isLeader()) as (typeof ms)[number]
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const bad = follower.group.execute({ k: 'bad', by: 100 }).then(
      () => 'resolved',
      (e: { kind: string }) => e.kind,
    )
    const good = follower.group.execute({ k: 'x', by: 2 })
    await advanceUntil(clock, 'applied', () => ms.every((m) => m.sm.applied === 1))
    await good
    // The refused command still committed: it holds its log position, as an undecodable one does.
    expect(await bad).toBe('resolved')
    const errors = logged.mock.calls.length
    logged.mockRestore()
    // Encoded once, by the caller's member; decoded once per replica, the refused one included.
    expect(ms.map((m) => m.sm.encoded)).toEqual(ms.map((m) => (m === follower ? 2 : 0)))
    expect(ms.map((m) => m.sm.decoded)).toEqual([2, 2, 2])
    expect(ms.map((m) => m.sm.query('total'))).toEqual([2, 2, 2])
    expect(errors).toBe(3)
  })

  it('a call holds at most MAX_CALL_COMMANDS; a turn of more calls from a follower goes out in several forwards', async () => {
    const { clock, old, rest } = await threeOnline()
    const follower = rest[0] as (typeof rest)[number]
    const over = Array.from({ length: MAX_CALL_COMMANDS + 1 }, () => ({ k: 'x', by: 1 }))
    await expect(follower.group.executeMany(over)).rejects.toMatchObject({ kind: 'encoding' })
    // One turn of 1.5 × as many single writes: each forward within the bound, every write commits.
    const n = Math.floor(MAX_CALL_COMMANDS * 1.5)
    const writes = Promise.all(Array.from({ length: n }, () => follower.group.execute({ k: 'y', by: 1 })))
    await advanceUntil(clock, 'applied', () => follower.sm.query('total') === n)
    expect(new Set(await writes).size).toBe(n)
    // No forward was refused as malformed (a startup bond race may refuse a duplicate bond).
    const malformed = [old, ...rest].flatMap((m) =>
      m.telemetry().filter((e) => e.type === 'input.rejected' && e.reason === 'malformed'),
    )
    expect(malformed).toEqual([])
  })

  it('execute by an observer fails unauthorized at once (peers would refuse its forward)', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock, { preference: 'observer' }).group
    const p = a.execute({ k: 'x', by: 1 }, { timeout: 500 })
    const settled = p.then(
      () => 'resolved',
      (e: { kind: string }) => e.kind,
    )
    expect(await settled).toBe('unauthorized')
  })

  it('refuses a command that cannot be encoded or is larger than a frame', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const { group } = join(hub.node('peer-a'), clock)
    await advanceUntil(clock, 'online', () => group.getSnapshot().online)
    const huge = { k: 'x'.repeat(5 * 1024 * 1024), by: 1 }
    await expect(group.execute(huge)).rejects.toMatchObject({ kind: 'encoding' })
    await expect(group.execute({ k: 'f', by: (() => 1) as unknown as number })).rejects.toMatchObject({
      kind: 'encoding',
    })
    await expect(group.executeMany([])).rejects.toMatchObject({ kind: 'encoding' })
  })

  it('refuses a call timeout that is not a number of ms with a RangeError, and takes 0 and Infinity', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const { group, sm } = join(hub.node('peer-a'), clock)
    await advanceUntil(clock, 'online', () => group.getSnapshot().online)
    for (const timeout of [Number.NaN, -5, '10' as unknown as number]) {
      await expect(group.execute({ k: 'x', by: 1 }, { timeout })).rejects.toThrow(RangeError)
      await expect(group.feed({ k: 'x', by: 1 }, { timeout })).rejects.toThrow(RangeError)
      await expect(group.query('total', 'strong', { timeout })).rejects.toThrow(/CallOptions.timeout must be a number/)
    }
    const unbounded = group.execute({ k: 'x', by: 2 }, { timeout: Number.POSITIVE_INFINITY })
    await advanceUntil(clock, 'applied', () => sm.query('total') === 2)
    expect(await unbounded).toBeGreaterThan(0)
  })

  it('in strict mode a member short of minVoters never leads and writes fail offline', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const consensus = { minVoters: 5 } // elections and commits need 3 granted votes
    const a = join(hub.node('peer-a'), clock, { consensus }).group
    const b = join(hub.node('peer-b'), clock, { consensus }).group
    const write = a.execute({ k: 'x', by: 1 }, { timeout: 8_000 }).catch((e: { kind: string }) => e.kind)
    await advance(clock, 9_000, 50)
    expect(await write).toBe('offline')
    expect([a, b].some((g) => g.isLeader())).toBe(false)
    const c = join(hub.node('peer-c'), clock, { consensus }).group
    await advanceUntil(clock, 'a leader with three voters', () => [a, b, c].every((g) => g.getSnapshot().online))
  })

  it('when resolves online, updated, reaches, leaderElected, leaderChanged and offline as the member moves', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock).group
    const b = join(hub.node('peer-b'), clock).group
    const seen: string[] = []
    const online = a.when.online().then(() => seen.push('online'))
    const elected = a.when.leaderElected().then((l) => seen.push(`elected:${l === a.leader()}`))
    await advanceUntil(clock, 'online', () => seen.length === 2)
    expect(seen.sort()).toEqual(['elected:true', 'online'])
    await online
    await elected
    await a.when.online() // at once when already online
    const updated = a.when.updated().then(() => 'updated')
    const v = b.execute({ k: 'x', by: 1 })
    await advanceUntil(clock, 'applied', () => a.committed() >= 2)
    expect(await updated).toBe('updated')
    await a.when.reaches(await v)
    const leader = a.isLeader() ? a : b
    const follower = leader === a ? b : a
    const changed = follower.when.leaderChanged()
    const offline = follower.when.offline().then(() => 'offline')
    await leader.leave()
    await advanceUntil(clock, 'offline', () => !follower.getSnapshot().online || follower.isLeader())
    expect(await offline).toBe('offline')
    expect(await changed).not.toBe(leader.peerId)
  })

  it('keeps the same state snapshot while nothing visible changes', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock).group
    const b = join(hub.node('peer-b'), clock).group
    await advanceUntil(clock, 'online', () => a.getSnapshot().online && b.getSnapshot().online)
    await advance(clock, 500)
    const before = a.getSnapshot()
    let notified = 0
    const off = a.subscribe(() => notified++)
    // Heartbeats, pings and ticks for 5 s change nothing a subscriber can see.
    await advance(clock, 5_000, 50)
    expect(a.getSnapshot()).toBe(before)
    expect(notified).toBe(0)
    expect(Object.isFrozen(before)).toBe(true)
    const v = b.execute({ k: 'x', by: 1 })
    await advanceUntil(clock, 'applied', () => a.committed() > before.applied)
    await v
    expect(a.getSnapshot()).not.toBe(before)
    expect(notified).toBeGreaterThan(0)
    off()
  })

  it('joining a group twice on one network returns the same member', () => {
    const clock = new ManualClock()
    const net = new FakeHub().node('peer-a')
    const first = join(net, clock).group
    expect(join(net, clock).group).toBe(first)
    expect(join(net, clock, { consensus: { heartbeatInterval: 400 } }).group).not.toBe(first)
  })

  it('different consensus or sync settings give different group ids', () => {
    const sig = new Counter().signature()
    const sync = { fetchBatchSize: 2000, snapshotTtl: 10_000, snapshotRequestTimeout: 15_000, fetchTimeout: 5_000 }
    const base = deriveGroupId('k', DEFAULT_CONSENSUS, sig, sync)
    expect(deriveGroupId('k', DEFAULT_CONSENSUS, sig, sync).equals(base)).toBe(true)
    expect(deriveGroupId('k2', DEFAULT_CONSENSUS, sig, sync).equals(base)).toBe(false)
    expect(deriveGroupId('k', { ...DEFAULT_CONSENSUS, heartbeatInterval: 400 }, sig, sync).equals(base)).toBe(false)
    expect(deriveGroupId('k', DEFAULT_CONSENSUS, sig, { ...sync, fetchBatchSize: 100 }).equals(base)).toBe(false)
  })

  it('leave() clears every timer and rejects waiters with closed', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const { group } = join(hub.node('peer-a'), clock, { storage: new MemoryStorage() })
    await advanceUntil(clock, 'online', () => group.getSnapshot().online)
    const waiting = group.when.reaches(1_000).catch((e: { kind: string }) => e.kind)
    expect(clock.active).toBeGreaterThan(0)
    await group.leave()
    expect(clock.active).toBe(0)
    expect(await waiting).toBe('closed')
    await group.leave()
  })

  it('persists entries and votes before the messages that depend on them are sent', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const stored = new Set<number>()
    let votedTerm = 0
    const violations: string[] = []
    class Recording extends MemoryStorage {
      override append(entries: Parameters<MemoryStorage['append']>[0]): void {
        for (const e of entries) stored.add(e.index)
        super.append(entries)
      }
      override saveHardState(state: Parameters<MemoryStorage['saveHardState']>[0]): void {
        if (state.votedFor !== undefined) votedTerm = Math.max(votedTerm, state.term)
        super.saveHardState(state)
      }
    }
    const a = join(hub.node('peer-a'), clock, { storage: new Recording() })
    join(hub.node('peer-b'), clock)
    await advanceUntil(clock, 'online', () => a.group.getSnapshot().online)
    const v = a.group.execute({ k: 'x', by: 1 })
    await advanceUntil(clock, 'applied', () => a.sm.applied === 1)
    await v
    let sentEntries = 0
    for (const ch of hub.channels) {
      if (ch.remotePeer === 'peer-a') continue // frames sent by peer-b
      for (const f of ch.sent as {
        type: string
        m?: { type: string; term: number; prevIndex: number; x?: unknown }
      }[]) {
        const m = f.type === 'raft' ? f.m : undefined
        // Entries travel packed (`wire-entries.ts`): indices prevIndex + 1, + 2, …
        if (m?.type === 'appendEntries')
          for (let i = 1; i <= (fromWire(m.x, m.prevIndex, undefined)?.length ?? 0); i++) {
            sentEntries++
            if (!stored.has(m.prevIndex + i)) violations.push(`entry ${m.prevIndex + i}`)
          }
        if (m?.type === 'requestVote' && votedTerm < m.term) violations.push(`vote in term ${m.term}`)
      }
    }
    expect(violations).toEqual([])
    expect(stored.size).toBeGreaterThan(0)
    // Entries leave only from the leader (the election is random): then the check saw them.
    if (a.group.getSnapshot().role === 'leader') expect(sentEntries).toBeGreaterThan(0)
  })

  it('a member restarted from its storage replays its log into a fresh state machine', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const a = join(hub.node('peer-a'), clock)
    const nb = hub.node('peer-b')
    const storage = new MemoryStorage()
    const b = join(nb, clock, { storage })
    await advanceUntil(clock, 'online', () => a.group.getSnapshot().online && b.group.getSnapshot().online)
    const v = a.group.executeMany([
      { k: 'x', by: 1 },
      { k: 'y', by: 2 },
    ])
    await advanceUntil(clock, 'b applied', () => b.sm.applied === 2)
    await v
    const term = b.group.getSnapshot().term
    await b.group.leave()
    const again = join(nb, clock, { storage })
    await settle()
    expect(again.sm.query('total')).toBe(3)
    expect(again.group.getSnapshot().term).toBe(term)
    await advanceUntil(clock, 'rejoined', () => again.group.getSnapshot().online)
  })

  it('a minority leader that committed alone reports reverted after the heal and converges by snapshot', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const ms = ['peer-a', 'peer-b', 'peer-c'].map((p) => join(hub.node(p), clock))
    const gs = ms.map((m) => m.group)
    await advanceUntil(clock, 'online', () => gs.every((g) => g.getSnapshot().online))
    const leader = ms.find((m) => m.group.isLeader()) as (typeof ms)[number]
    const others = ms.filter((m) => m !== leader)
    const id = (m: (typeof ms)[number]) => m.group.peerId
    for (const o of others) hub.cut(id(leader), id(o))
    // Both sides notice the silence, the majority elects a new leader; each side commits.
    await advanceUntil(clock, 'a new majority leader', () => others.some((o) => o.group.isLeader()), 20_000)
    await advanceUntil(clock, 'the old leader alone', () => leader.group.getSnapshot().bonds.length === 0, 20_000)
    const minority = leader.group.execute({ k: 'minority', by: 100 }, { timeout: 60_000 })
    await advanceUntil(clock, 'minority commit', () => leader.sm.query('total') === 100, 5_000)
    expect(await minority).toBeGreaterThan(0)
    const majority = (others[0] as (typeof ms)[number]).group.execute({ k: 'majority', by: 1 }, { timeout: 60_000 })
    await advanceUntil(clock, 'majority commit', () => others.every((o) => o.sm.query('total') === 1), 5_000)
    await majority
    const reverted = leader.group.when.reverted()
    for (const o of others) hub.heal(id(leader), id(o))
    await advanceUntil(
      clock,
      'reverted reported',
      () => leader.telemetry().some((e) => e.type === 'group.reverted'),
      30_000,
    )
    expect(await reverted).toBeGreaterThanOrEqual(0)
    await advanceUntil(
      clock,
      'convergence',
      () => ms.every((m) => m.sm.query('total') === 1 && m.group.getSnapshot().online),
      30_000,
    )
    expect(leader.sm.installs).toBe(1)
  })

  it('after a graceful leave of the leader a new one is elected within the election jitter', async () => {
    const { clock, old, rest } = await threeOnline()
    await old.group.leave()
    const took = await advanceUntil(clock, 'a new leader', () =>
      rest.every((m) => m.group.getSnapshot().online && m.group.leader() !== old.group.peerId),
    )
    expect(took).toBeLessThan(DEFAULT_CONSENSUS.electionTimeout / 4 + 200)
  })

  it('after the leader falls silent a new one is elected after the election timeout', async () => {
    const { clock, hub, old, rest } = await threeOnline()
    for (const m of rest) hub.cut(old.group.peerId, m.group.peerId)
    const took = await advanceUntil(clock, 'a new leader', () => rest.some((m) => m.group.isLeader()))
    expect(took).toBeGreaterThanOrEqual(DEFAULT_CONSENSUS.electionTimeout - DEFAULT_CONSENSUS.heartbeatInterval)
    // One election timeout (+ jitter); a rare split vote costs a second one.
    expect(took).toBeLessThan(2 * DEFAULT_CONSENSUS.electionTimeout * 1.25 + 200)
  })
})

describe('offline errors say why (virtual time)', () => {
  it('a strict-mode member alone fails its call saying how many voters it reaches and how many it needs', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const { group } = join(hub.node('peer-a'), clock, { consensus: { ...DEFAULT_CONSENSUS, minVoters: 3 } })
    const call = group.execute({ k: 'a', by: 1 }, { timeout: 5_000 }).catch((e: unknown) => e)
    await advance(clock, 6_000)
    const err = (await call) as Error & { kind?: string }
    expect(err.kind).toBe('offline')
    expect(err.message).toBe('no reachable leader within 5000 ms: 1 of 3 voters reachable; strict mode needs 2')
    expect(group.reachability?.()).toMatchObject({ voters: 1, needed: 2, strict: true, leaderReachable: false })
  })
})
