import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/core/clock.js'
import { GroupError } from '../../src/groups/errors.js'
import type { GroupMember } from '../../src/groups/group.js'
import { type CounterGroup, counterGroups } from './helpers/counter-trio.js'
import { FakeHub } from './helpers/fake-network.js'
import { advance, advanceUntil, settle } from './helpers/manual.js'

// The write path (docs/ARCHITECTURE.md "The write path"): one call carries one deadline and
// holds one timer at a time, however many steps (leader wait, batched proposal, apply) it takes.

type G = CounterGroup
const { join, threeOnline: trio } = counterGroups('write-path')

const timersOf = (g: G) => (g as unknown as GroupMember<unknown, unknown, unknown, unknown>).activeTimers

/** Lets the calls started in this turn reach the core (their proposal leaves on the next turn). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await settle()
}

async function threeOnline() {
  const { followers, ...rest } = await trio()
  return { ...rest, follower: followers[0] as G }
}

describe('the write path (virtual time)', () => {
  it('a call whose forward is lost holds one timer, and fails at its deadline marked timedOut', async () => {
    const { clock, hub, leader, follower } = await threeOnline()
    // The bond stays up (missed heartbeats take seconds): the forward is proposed and lost.
    hub.cut(leader.peerId, follower.peerId)
    await turns()
    const before = timersOf(follower)
    const call = follower.execute({ k: 'a', by: 1 }, { timeout: 1_000 }).catch((e: unknown) => e)
    await turns()
    expect(timersOf(follower) - before).toBe(1)
    await advance(clock, 1_001)
    const err = (await call) as GroupError
    expect(err).toBeInstanceOf(GroupError)
    expect([err.kind, err.timedOut]).toEqual(['offline', true])
    expect(err.message).toMatch(/within \d+ ms/)
  })

  it('calls batched into one proposal hold one timer each, none for the batch', async () => {
    const { clock, hub, leader, follower } = await threeOnline()
    hub.cut(leader.peerId, follower.peerId)
    await turns()
    const before = timersOf(follower)
    const calls = [1, 2, 3].map((by) => follower.execute({ k: 'a', by }, { timeout: 1_000 }).catch((e: unknown) => e))
    await turns()
    expect(timersOf(follower) - before).toBe(3)
    await advance(clock, 1_001)
    for (const err of await Promise.all(calls)) expect((err as GroupError).timedOut).toBe(true)
  })

  it('a refused answer is not a timeout', async () => {
    const clock = new ManualClock()
    const hub = new FakeHub()
    const g = join(hub.node('peer-a'), clock)
    await advanceUntil(clock, 'online', () => g.getSnapshot().online)
    await g.leave()
    const err = (await g.execute({ k: 'a', by: 1 }, { timeout: 1_000 }).catch((e: unknown) => e)) as GroupError
    expect([err.kind, err.timedOut]).toEqual(['closed', false])
  })
})
