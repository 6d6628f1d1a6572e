import { describe, expect, it } from 'vitest'
import { Vec } from '../../../src/collections/vec.js'
import type { Network } from '../../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach } from '../collection-harness.js'
import { vecKind } from './kinds.js'
import { syncScenarios } from './scenarios.js'

// mosaik tests/collections/sync/vec.rs: the shared scenarios, then the vec's own.

const pool = networkPool(6)
const net = (i: number) => pool.nets[i] as Network
syncScenarios(vecKind, pool, { frozen: 10_000, during: 5_000 })

describe.concurrent('vec: snapshot sync, vec-only scenarios (mosaik tests/collections/sync/vec.rs)', () => {
  it('sync::vec::mixed_mutations — every operation; a late reader sees the end state', async (ctx) => {
    const store = freshStore()
    const w = vecKind.writer(net(0), store)
    const r1 = vecKind.reader(net(1), store)
    closing(ctx, w, r1)
    await online(w, r1)
    await w.pushBack(10)
    await w.pushBack(20)
    await reach(await w.pushBack(30), r1)
    expect(r1.len()).toBe(3)
    await reach(await w.pushFront(5), r1)
    expect(r1.get(0)).toBe(5)
    await reach(await w.insert(2, 15), r1)
    expect([r1.get(2), r1.len()]).toEqual([15, 5])
    await reach(await w.swap(0, 4), r1)
    expect([r1.get(0), r1.get(4)]).toEqual([30, 5])
    await reach(await w.popBack(), r1)
    expect([r1.len(), r1.back()]).toEqual([4, 20])
    await reach(await w.popFront(), r1)
    expect([r1.len(), r1.front()]).toEqual([3, 10])
    await reach(await w.remove(1), r1)
    expect(r1.values()).toEqual([10, 20])
    await reach(await w.extend([100, 200, 300]), r1)
    expect(r1.len()).toBe(5)
    const v = await w.truncate(3)
    await reach(v, r1)
    expect(r1.values()).toEqual([10, 20, 100])
    expect(w.values()).toEqual(r1.values())
    const r2 = closing(ctx, vecKind.reader(net(2), store))[0]!
    await reach(v, r2)
    expect(r2.values()).toEqual([10, 20, 100])
  })

  it('sync::vec::large_elements — 100 elements of 10 KB, fetched 10 at a time', async (ctx) => {
    const store = freshStore()
    const opts = fast({ sync: { fetchBatchSize: 10 } })
    const w = Vec.writer<string>(net(0), store, opts)
    const r1 = Vec.reader<string>(net(1), store, opts)
    closing(ctx, w, r1)
    await online(w, r1)
    const payload = (i: number) => String(i).padStart(10_000, '0')
    let v = 0
    for (let i = 0; i < 100; i++) v = await w.pushBack(payload(i))
    await reach(v, r1)
    const r2 = closing(ctx, Vec.reader<string>(net(2), store, opts))[0]!
    await reach(v, r2)
    for (const r of [r1, r2]) expect(r.values()).toEqual(Array.from({ length: 100 }, (_, i) => payload(i)))
  })
})
