import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/core/clock.js'
import { Watch } from '../../src/core/watch.js'
import { GroupError } from '../../src/groups/errors.js'
import { Pending } from '../../src/groups/pending.js'
import { Timers } from '../../src/groups/timers.js'
import type { GroupState } from '../../src/groups/types.js'

/** A Pending over a manual clock and a state whose applied version the test moves. */
function setup() {
  const clock = new ManualClock()
  const timers = new Timers(clock)
  const initial = { applied: 0 } as unknown as GroupState
  const state = new Watch<GroupState>(initial)
  const pending = new Pending(timers, state)
  const apply = (applied: number) => state.set({ ...state.get(), applied })
  return { clock, timers, pending, apply }
}

/** Settles to 'ok' or the error's message, and records the order in which waits settle. */
function track(order: string[], name: string, p: Promise<void>): Promise<string> {
  return p.then(
    () => {
      order.push(name)
      return 'ok'
    },
    (e: unknown) => {
      order.push(name)
      return e instanceof GroupError ? e.message : String(e)
    },
  )
}

describe('pending waits for versions', () => {
  it('resolves waits in version order as the replica applies, whatever order they began in', async () => {
    const { pending, apply } = setup()
    const order: string[] = []
    const w5 = track(order, '5', pending.applied(5, undefined, 1000))
    const w3 = track(order, '3', pending.applied(3, undefined, 1000))
    const w7 = track(order, '7', pending.applied(7, undefined, 1000))
    const w3b = track(order, '3b', pending.applied(3, undefined, 1000))
    apply(4)
    await Promise.resolve()
    expect(await w3).toBe('ok')
    expect(await w3b).toBe('ok')
    apply(7)
    expect([await w5, await w7]).toEqual(['ok', 'ok'])
    expect(order).toEqual(['3', '3b', '5', '7'])
    // Already applied: at once.
    expect(await pending.applied(2, undefined, 1000)).toBeUndefined()
  })

  it("rejects a wait whose version was applied under another call's tag, and only that one", async () => {
    const { pending, apply } = setup()
    const order: string[] = []
    const mine = track(order, 'mine', pending.applied(4, 'a:1', 1000))
    const other = track(order, 'other', pending.applied(4, 'b:1', 1000))
    const untagged = track(order, 'untagged', pending.applied(4, undefined, 1000))
    pending.tagApplied(3, 'x:9')
    pending.tagApplied(4, 'a:1')
    apply(4)
    expect(await mine).toBe('ok')
    expect(await other).toMatch(/entry 4 was replaced after a leader change/)
    expect(await untagged).toBe('ok')
  })

  it('forgets waits that timed out and keeps no more of them than it must', async () => {
    const { clock, timers, pending, apply } = setup()
    // 500 writes stuck (the replica applies nothing) time out one by one.
    const stuck = Array.from({ length: 500 }, (_, i) => pending.applied(10 + i, undefined, 100).catch((e) => e))
    const late = pending.applied(2_000, undefined, 10_000)
    clock.advance(100)
    for (const e of await Promise.all(stuck)) expect(e).toMatchObject({ kind: 'offline', timedOut: true })
    // Only the live wait and its timer are left, and at most 64 settled waits not yet swept.
    expect(timers.size).toBe(1)
    expect(pending.versionSlots).toBeLessThanOrEqual(65)
    apply(2_000)
    await late
    expect(timers.size).toBe(0)
    // A later wait still works after the sweep.
    const next = pending.applied(2_001, undefined, 100)
    apply(2_001)
    await next
  })

  it('rejects every wait on close', async () => {
    const { pending } = setup()
    const waits = [1, 2, 3].map((v) => pending.applied(v, undefined, 1000).catch((e: GroupError) => e.kind))
    pending.close(new GroupError('closed', 'left'))
    expect(await Promise.all(waits)).toEqual(['closed', 'closed', 'closed'])
  })
})
