import { afterEach } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import { Groups } from '../../../src/groups/groups.js'
import type { Storage } from '../../../src/groups/storage.js'
import type { Group } from '../../../src/groups/types.js'
import { Counter, type CounterCmd, type CounterQuery } from './counter.js'
import { FakeHub, type FakeNetwork } from './fake-network.js'
import { advanceUntil } from './manual.js'

/** A counter group member on the fake network, on virtual time. */
export type CounterGroup = Group<CounterCmd, CounterQuery, number>

/**
 * Counter groups on the fake network, each on a network stopped after the test that made it
 * (call once per test file, at its top level).
 */
export function counterGroups(key: string) {
  let stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    await Promise.all(stops.map((s) => s()))
    stops = []
  })

  function join(net: FakeNetwork, clock: ManualClock, storage?: Storage): CounterGroup {
    const groups = net.service('groups', () => new Groups(net))
    stops.push(() => net.stop())
    return groups.join({ key, stateMachine: new Counter(), clock, ...(storage && { storage }) })
  }

  /** Three members online on one virtual clock: the leader and the two followers. */
  async function threeOnline(storages: readonly Storage[] = []) {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const ms = ['peer-a', 'peer-b', 'peer-c'].map((p, i) => join(hub.node(p), clock, storages[i]))
    await advanceUntil(clock, 'three members online', () => ms.every((m) => m.getSnapshot().online))
    const leader = ms.find((m) => m.isLeader()) as CounterGroup
    const followers = ms.filter((m) => !m.isLeader())
    return { clock, hub, leader, followers }
  }

  return { join, threeOnline }
}
