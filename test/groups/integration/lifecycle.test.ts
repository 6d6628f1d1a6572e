import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { SystemClock } from '../../../src/core/clock.js'
import { UniqueId } from '../../../src/core/id.js'
import { GROUPS_PROTOCOL } from '../../../src/groups/bond/bonds.js'
import { initiateHandshake } from '../../../src/groups/bond/handshake.js'
import { Inbox } from '../../../src/groups/bond/inbox.js'
import { Timers } from '../../../src/groups/timers.js'
import type { Network } from '../../../src/network/network.js'
import { Nets } from '../../network/helpers.js'
import { type CounterGroup, joinCounter, networks, type Transport } from '../helpers/cluster.js'
import { Counter } from '../helpers/counter.js'
import { waitFor } from '../helpers/wait.js'

/** Where election timing is not what a test measures, a shorter bootstrap delay saves time. */
const QUICK = { bootstrapDelay: 500 }
const nets = new Nets()
afterEach(() => nets.stopAll())

function joinWithClock(net: Network, key: string, clock: SystemClock): CounterGroup {
  return net.groups.join({ key, stateMachine: new Counter(), clock, consensus: QUICK })
}

describe.each<Transport>(['memory', 'tcp'])('group lifecycle over %s', (transport) => {
  it('a member joining a running group comes online and follows its leader', async () => {
    const ns = await networks(nets, transport, 3)
    const key = `join-${transport}`
    const t0 = performance.now()
    const first = joinCounter(ns[0] as Network, key).group
    await first.when.online()
    const lone = performance.now() - t0
    const second = joinCounter(ns[1] as Network, key).group
    await waitFor([first, second], 'two members online', () => second.getSnapshot().online)
    const t1 = performance.now()
    const third = joinCounter(ns[2] as Network, key).group
    await third.when.online()
    const joining = performance.now() - t1
    console.log(
      `time-to-online (${transport}): lone first member ${lone.toFixed(0)} ms, member joining a running group ${joining.toFixed(0)} ms`,
    )
    // One leader, the same for all three: a loaded machine may have elected another since
    // `first` led alone, and the members hear of it at different moments, so this waits for
    // them to agree instead of comparing two of them once.
    await waitFor([first, second, third], 'the three members to follow one leader', () => {
      const leader = third.leader()
      return leader !== undefined && [first, second].every((g) => g.leader() === leader)
    })
    expect(ns.map((n) => n.peerId)).toContain(third.leader())
  })

  it('leave() and stop() leave no timers or channels behind', async () => {
    const ns = await networks(nets, transport, 3)
    const baseline = ns.map((n) => n.openChannels)
    const clocks = ns.map(() => new SystemClock())
    const gs = ns.map((n, i) => joinWithClock(n, `life-${transport}`, clocks[i] as SystemClock))
    await waitFor(gs, 'three members online', () => gs.every((g) => g.getSnapshot().online), 15_000)
    const v = await (gs[2] as CounterGroup).execute({ k: 'a', by: 1 })
    await Promise.all(gs.map((g) => g.when.reaches(v)))
    expect(clocks.every((c) => c.active > 0)).toBe(true)

    // leave() on the first member: its timers and bonds are gone, the others carry on.
    await (gs[0] as CounterGroup).leave()
    expect(clocks[0]?.active).toBe(0)
    await expect((gs[0] as CounterGroup).execute({ k: 'x', by: 1 })).rejects.toMatchObject({ kind: 'closed' })
    await waitFor(gs, 'the others to drop the bond', () => gs.slice(1).every((g) => g.getSnapshot().bonds.length === 1))
    await waitFor(
      [],
      'the leaver to close its group channels',
      () => (ns[0] as Network).openChannels <= (baseline[0] ?? 0),
      5_000,
    )
    const v2 = await (gs[1] as CounterGroup).execute({ k: 'b', by: 1 })
    await (gs[2] as CounterGroup).when.reaches(v2)

    // stop() on the networks: every member leaves, nothing is scheduled or open.
    await Promise.all(ns.slice(1).map((n) => n.stop()))
    expect(clocks.map((c) => c.active)).toEqual([0, 0, 0])
    expect(ns.map((n) => n.openChannels)).toEqual([expect.any(Number), 0, 0])
    expect(gs.every((g) => g.closed)).toBe(true)
  })

  it('cuts off a bonded peer whose frames are garbage while the group goes on', async () => {
    const ns = await networks(nets, transport, 3)
    const key = `garbage-${transport}`
    const [a, b, x] = ns as [Network, Network, Network]
    const ga = joinCounter(a, key, 'normal', QUICK).group
    const gb = joinCounter(b, key, 'normal', QUICK).group
    await waitFor([ga, gb], 'two members online', () => [ga, gb].every((g) => g.getSnapshot().online), 15_000)
    // x knows the key, bonds with a, then sends garbage.
    const ch = await x.openChannel(a.peerId, GROUPS_PROTOCOL)
    const timers = new Timers(new SystemClock())
    await initiateHandshake(ch, new Inbox(ch), {
      groupId: ga.id,
      keyHash: UniqueId.from(key).hashed(),
      local: x.peerId,
      timers,
      timeoutMs: 5_000,
    })
    ch.send({ type: 'welcome', preference: 'normal', bonds: [] })
    await waitFor([ga], 'a to bond with x', () => ga.getSnapshot().bonds.includes(x.peerId))
    ch.send({ type: 'raft', m: 'garbage' })
    await waitFor([ga], 'a to cut x off', () => !ga.getSnapshot().bonds.includes(x.peerId) && ch.isClosed, 5_000)
    expect(a.rejected().malformed).toBe(1)
    const v = await gb.execute({ k: 'on', by: 1 })
    await ga.when.reaches(v)
    expect(ga.getSnapshot().bonds).toEqual([b.peerId])
    timers.clear()

    // A frame announcing more than the 4 MiB limit closes that stream only, counted.
    const raw = await x.libp2p.dialProtocol(peerIdFromString(a.peerId), a.protocol(GROUPS_PROTOCOL))
    const header = new Uint8Array(4)
    new DataView(header.buffer).setUint32(0, 5 * 1024 * 1024)
    raw.send(header)
    await waitFor([ga], 'the oversized frame to be counted', () => a.rejected().oversized === 1, 5_000)
    const v2 = await gb.execute({ k: 'after-oversized', by: 1 })
    await ga.when.reaches(v2)
    expect(ga.getSnapshot().bonds).toEqual([b.peerId])
  })
})

describe('a member that comes back', () => {
  it('is bonded again and catches up when its peer id reappears', async () => {
    const secretKey = crypto.getRandomValues(new Uint8Array(32))
    const [a, b] = await networks(nets, 'memory', 2)
    const c1 = await nets.create({ secretKey, bootstrap: (a as Network).addresses() })
    const key = 'comes-back'
    const ga = joinCounter(a as Network, key, 'normal', QUICK).group
    const gb = joinCounter(b as Network, key, 'normal', QUICK).group
    const gc1 = joinCounter(c1, key, 'normal', QUICK).group
    await waitFor([ga, gb, gc1], 'three online', () => [ga, gb, gc1].every((g) => g.getSnapshot().online), 15_000)
    await c1.stop()
    await waitFor([ga, gb], 'c gone', () => [ga, gb].every((g) => g.getSnapshot().bonds.length === 1))
    const v = await ga.execute({ k: 'while-away', by: 7 })
    const c2 = await nets.create({ secretKey, bootstrap: (a as Network).addresses() })
    expect(c2.peerId).toBe(c1.peerId)
    const back = joinCounter(c2, key, 'normal', QUICK)
    await back.group.when.reaches(v)
    await waitFor([ga, gb, back.group], 'the mesh whole again', () =>
      [ga, gb, back.group].every((g) => g.getSnapshot().bonds.length === 2),
    )
    expect(back.sm.query('total')).toBe(7)
  })
})
