/** The announce flood's queueing and the push rate budget, with fake pushes and a fake clock. */
import { describe, expect, it } from 'vitest'
import { deferred } from '../../src/core/async.js'
import { AnnounceFlood, PushBudget } from '../../src/discovery/flood.js'

const bytes = (n: number) => new Uint8Array([n])

function harness(targets: string[]) {
  const pushes: Array<{ peer: string; entries: number[]; hops: number }> = []
  const gates: Array<() => void> = []
  let blocking = false
  const flood = new AnnounceFlood({
    targets: () => targets,
    push: async (peer, entries, hops) => {
      pushes.push({ peer, entries: entries.map((e) => e[0] as number), hops })
      if (!blocking) return
      const gate = deferred<void>()
      gates.push(() => gate.resolve())
      await gate.promise
    },
  })
  const turn = () => new Promise<void>((r) => queueMicrotask(r))
  return { flood, pushes, gates, turn, block: (on: boolean) => (blocking = on) }
}

describe('the announce flood', () => {
  it('pushes to every target but the sender and the signer, entries of one task in one push', async () => {
    const h = harness(['a', 'b', 'c'])
    h.flood.send('c', bytes(1), 7, 'a')
    h.flood.send('x', bytes(2), 3)
    await h.turn()
    await h.turn()
    expect(h.pushes).toEqual([
      { peer: 'b', entries: [1, 2], hops: 7 },
      { peer: 'a', entries: [2], hops: 3 },
      { peer: 'c', entries: [2], hops: 3 },
    ])
  })

  it('has one push in flight per peer; what comes meanwhile leaves as one batch, newest per signer', async () => {
    const h = harness(['a'])
    h.block(true)
    h.flood.send('x', bytes(1), 5)
    await h.turn()
    expect(h.pushes).toHaveLength(1)
    h.flood.send('x', bytes(2), 5)
    h.flood.send('y', bytes(3), 5)
    h.flood.send('x', bytes(4), 5)
    await h.turn()
    expect(h.pushes).toHaveLength(1)
    h.block(false)
    h.gates.shift()?.()
    for (let i = 0; i < 4; i++) await h.turn()
    expect(h.pushes.map((p) => p.entries)).toEqual([[1], [3, 4]])
  })

  it('drops its queues when stopped', async () => {
    const h = harness(['a'])
    h.block(true)
    h.flood.send('x', bytes(1), 5)
    await h.turn()
    h.flood.send('y', bytes(2), 5)
    h.flood.stop()
    h.gates.shift()?.()
    h.flood.send('z', bytes(3), 5)
    for (let i = 0; i < 4; i++) await h.turn()
    expect(h.pushes.map((p) => p.entries)).toEqual([[1]])
  })
})

describe('the push budget', () => {
  it('allows a burst, then the refill rate, per peer', () => {
    let now = 0
    const budget = new PushBudget(10, 2, () => now)
    expect(budget.take('a', 8)).toBe(8)
    expect(budget.take('a', 8)).toBe(2)
    expect(budget.take('b', 4)).toBe(4)
    now += 1_000
    expect(budget.take('a', 8)).toBe(2)
    now += 60_000
    expect(budget.take('a', 50)).toBe(10)
  })
})
