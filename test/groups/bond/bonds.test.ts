import { afterEach, describe, expect, it } from 'vitest'
import { SystemClock } from '../../../src/core/clock.js'
import { UniqueId } from '../../../src/core/id.js'
import { initiateHandshake } from '../../../src/groups/bond/handshake.js'
import { Inbox } from '../../../src/groups/bond/inbox.js'
import { Groups } from '../../../src/groups/groups.js'
import { Timers } from '../../../src/groups/timers.js'
import type { Group } from '../../../src/groups/types.js'
import { Counter, type CounterCmd, type CounterQuery } from '../helpers/counter.js'
import { type FakeChannel, FakeHub, type FakeNetwork } from '../helpers/fake-network.js'
import { waitFor } from '../helpers/wait.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 200 }
const KEY = 'bond-tests'
let stops: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(stops.map((s) => s()))
  stops = []
})

function join(net: FakeNetwork): Group<CounterCmd, CounterQuery, number> {
  const groups = net.service('groups', () => new Groups(net))
  stops.push(() => net.stop())
  return groups.join({ key: KEY, stateMachine: new Counter(), consensus: FAST })
}

function channelOf(hub: FakeHub, at: string, remote: string): FakeChannel[] {
  return [...hub.channels].filter((c) => c.remotePeer === remote && c.other.remotePeer === at)
}

describe('bonds between group members', () => {
  it('refuses a bond for a group the acceptor is not in, sending nothing back', async () => {
    const hub = new FakeHub()
    const a = hub.node('peer-a')
    const x = hub.node('peer-x')
    join(a)
    const ch = (await x.openChannel('peer-a', 'groups')) as FakeChannel
    ch.send({ type: 'hello', group: UniqueId.from('some other group').bytes, nonce: new Uint8Array(32) })
    await waitFor([], 'the channel to close', () => ch.isClosed, 2_000)
    expect(a.rejections.map((r) => r.reason)).toEqual(['wrong-group'])
    expect(ch.other.sent).toEqual([])
    expect(a.telemetry.some((e) => e.type === 'input.rejected' && e.reason === 'wrong-group')).toBe(true)
  })

  it('keeps one bond per pair when both members dial each other at once', async () => {
    const hub = new FakeHub()
    const a = hub.node('peer-a')
    const b = hub.node('peer-b')
    const ga = join(a)
    const gb = join(b)
    await waitFor([ga, gb], 'both bonded and online', () =>
      [ga, gb].every((g) => g.getSnapshot().bonds.length === 1 && g.getSnapshot().online),
    )
    await waitFor([ga, gb], 'a single open channel pair', () => hub.openPairs === 1, 2_000)
    // The surviving bond is the one opened by the smaller peer id.
    const live = [...hub.channels].filter((c) => c.initiator && !c.isClosed)
    expect(live.map((c) => c.remotePeer)).toEqual(['peer-b'])
    expect(ga.leader()).toBe(gb.leader())
  })

  it('refuses a second bond from a member that already has one', async () => {
    const hub = new FakeHub()
    const a = hub.node('peer-a')
    const b = hub.node('peer-b')
    const ga = join(a)
    const gb = join(b)
    await waitFor([ga, gb], 'both bonded', () => [ga, gb].every((g) => g.getSnapshot().bonds.length === 1))
    // peer-b (the larger id) opens another bond with a valid proof.
    const ch = (await b.openChannel('peer-a', 'groups')) as FakeChannel
    const groupId = ga.id
    const timers = new Timers(new SystemClock())
    const hs = initiateHandshake(ch, new Inbox(ch), {
      groupId,
      keyHash: UniqueId.from(KEY).hashed(),
      local: 'peer-b',
      timers,
      timeoutMs: 2_000,
    })
    await expect(hs).rejects.toBeDefined()
    expect(a.rejections.map((r) => r.reason)).toEqual(['duplicate-bond'])
    // The first bond is untouched and the group still works.
    expect(ga.getSnapshot().bonds).toEqual(['peer-b'])
    const v = await gb.execute({ k: 'x', by: 1 })
    await ga.when.reaches(v)
    timers.clear()
  })

  it('cuts off a member whose frames are garbage and carries on', async () => {
    const hub = new FakeHub()
    const a = hub.node('peer-a')
    const b = hub.node('peer-b')
    const x = hub.node('peer-x')
    const ga = join(a)
    const gb = join(b)
    await waitFor([ga, gb], 'a and b online', () => [ga, gb].every((g) => g.getSnapshot().online))
    const ch = (await x.openChannel('peer-a', 'groups')) as FakeChannel
    const timers = new Timers(new SystemClock())
    await initiateHandshake(ch, new Inbox(ch), {
      groupId: ga.id,
      keyHash: UniqueId.from(KEY).hashed(),
      local: 'peer-x',
      timers,
      timeoutMs: 2_000,
    })
    ch.send({ type: 'welcome', preference: 'normal', bonds: [] })
    await waitFor([ga], 'a to bond with x', () => ga.getSnapshot().bonds.includes('peer-x'))
    // A raft message that claims to come from someone else, then plain garbage.
    ch.send({ type: 'raft', m: { type: 'vote', term: 99, from: 'peer-b', to: 'peer-a', vote: 'granted' } })
    await waitFor([ga], 'a to cut x off', () => ch.isClosed && !ga.getSnapshot().bonds.includes('peer-x'), 2_000)
    expect(a.rejections.map((r) => r.reason)).toEqual(['malformed'])
    expect(channelOf(hub, 'peer-a', 'peer-b').some((c) => !c.isClosed)).toBe(true)
    const v = await ga.execute({ k: 'still', by: 1 })
    await gb.when.reaches(v)
    expect(ga.getSnapshot().term).toBeLessThan(99)
    timers.clear()
  })
})
