import { describe, expect, it } from 'vitest'
import { PriorityQueue } from '../../../src/collections/pq.js'
import type { Network } from '../../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach } from '../collection-harness.js'
import { depqKind } from './kinds.js'
import { syncScenarios } from './scenarios.js'

// mosaik tests/collections/sync/depq.rs: the shared scenarios, then the queue's own.

const pool = networkPool(6)
const net = (i: number) => pool.nets[i] as Network
syncScenarios(depqKind, pool, { frozen: 10_000, during: 5_000 })

describe.concurrent('depq: snapshot sync, queue-only scenarios (mosaik tests/collections/sync/depq.rs)', () => {
  const pair = async (ctx: Parameters<typeof closing>[0]) => {
    const store = freshStore()
    const w = depqKind.writer(net(0), store)
    const r1 = depqKind.reader(net(1), store)
    closing(ctx, w, r1)
    await online(w, r1)
    return { store, w, r1 }
  }

  it('sync::depq::mixed_mutations — insert, move, revalue, remove, extend; a late reader agrees', async (ctx) => {
    const { store, w, r1 } = await pair(ctx)
    await w.insert(10, 1, 100)
    await w.insert(20, 2, 200)
    await reach(await w.insert(30, 3, 300), r1)
    expect([r1.len(), r1.getMin(), r1.getMax()]).toEqual([3, [10, 1, 100], [30, 3, 300]])
    await reach(await w.updatePriority(1, 50), r1)
    expect([r1.getPriority(1), r1.get(1), r1.getMax(), r1.getMin(), r1.len()]).toEqual([
      50,
      100,
      [50, 1, 100],
      [20, 2, 200],
      3,
    ])
    await reach(await w.updateValue(2, 999), r1)
    expect([r1.get(2), r1.getPriority(2)]).toEqual([999, 20])
    await reach(await w.remove(3), r1)
    expect([r1.len(), r1.containsKey(3)]).toEqual([2, false])
    const v = await w.extend([
      [5, 10, 500],
      [15, 20, 600],
      [25, 30, 700],
    ])
    await reach(v, r1)
    for (const k of [1, 2, 10, 20, 30]) expect([r1.get(k), r1.getPriority(k)]).toEqual([w.get(k), w.getPriority(k)])
    const r2 = closing(ctx, depqKind.reader(net(2), store))[0]!
    await reach(v, r2)
    expect(r2.iterAsc()).toEqual([
      [5, 10, 500],
      [15, 20, 600],
      [20, 2, 999],
      [25, 30, 700],
      [50, 1, 100],
    ])
  })

  it('sync::depq::large_values — 100 values of 10 KB, fetched 10 at a time', async (ctx) => {
    const store = freshStore()
    const opts = fast({ sync: { fetchBatchSize: 10 } })
    const w = PriorityQueue.writer<number, number, string>(net(0), store, opts)
    const r1 = PriorityQueue.reader<number, number, string>(net(1), store, opts)
    closing(ctx, w, r1)
    await online(w, r1)
    const payload = (i: number) => String(i).padStart(10_000, '0')
    let v = 0
    for (let i = 0; i < 100; i++) v = await w.insert(i, i, payload(i))
    await reach(v, r1)
    const r2 = closing(ctx, PriorityQueue.reader<number, number, string>(net(2), store, opts))[0]!
    await reach(v, r2)
    for (const r of [r1, r2]) {
      expect(r.len()).toBe(100)
      for (let i = 0; i < 100; i++) expect(r.get(i)).toBe(payload(i))
    }
  })

  it('sync::depq::overwrite_keys — new priorities and values win, late reader included', async (ctx) => {
    const { store, w, r1 } = await pair(ctx)
    for (let i = 0; i < 100; i++) await w.insert(i, i, i)
    let v = 0
    for (let i = 0; i < 100; i++) v = await w.insert(i * 1000, i, i * 1000)
    await reach(v, r1)
    const r2 = closing(ctx, depqKind.reader(net(2), store))[0]!
    await reach(v, r2)
    const model = Array.from({ length: 100 }, (_, i) => [i * 1000, i, i * 1000])
    for (const h of [w, r1, r2]) expect(depqKind.dump(h)).toEqual(model)
  })

  it('sync::depq::remove_range_sync — priorities [20, 50) removed, late reader included', async (ctx) => {
    const { store, w, r1 } = await pair(ctx)
    await reach(await depqKind.extend(w, 0, 100), r1)
    const v = await w.removeRange({ gte: 20, lt: 50 })
    await reach(v, r1)
    const r2 = closing(ctx, depqKind.reader(net(2), store))[0]!
    await reach(v, r2)
    for (const r of [r1, r2]) {
      expect(r.len()).toBe(70)
      for (let i = 0; i < 100; i++) expect(r.containsKey(i)).toBe(i < 20 || i >= 50)
    }
  })

  it('sync::depq::min_max_after_sync — scattered priorities, a late reader has the same ends', async (ctx) => {
    const { store, w, r1 } = await pair(ctx)
    const v = await w.extend([
      [500, 1, 10],
      [100, 2, 20],
      [999, 3, 30],
      [1, 4, 40],
      [750, 5, 50],
    ])
    await reach(v, r1)
    const r2 = closing(ctx, PriorityQueue.reader<number, number, number>(net(2), store, fast()))[0]!
    await reach(v, r2)
    for (const r of [r1, r2])
      expect([r.minPriority(), r.maxPriority(), r.getMin(), r.getMax(), r.len()]).toEqual([
        1,
        999,
        [1, 4, 40],
        [999, 3, 30],
        5,
      ])
  })
})
