import { describe, expect, it } from 'vitest'
import { ReplicatedMap } from '../../../src/collections/map.js'
import type { Network } from '../../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach } from '../collection-harness.js'
import { mapKind } from './kinds.js'
import { syncScenarios } from './scenarios.js'

// mosaik tests/collections/sync/map.rs: the shared scenarios, then the map's own.

const pool = networkPool(6)
const net = (i: number) => pool.nets[i] as Network
syncScenarios(mapKind, pool, { frozen: 100_000, during: 10_000 })

describe.concurrent('map: snapshot sync, map-only scenarios (mosaik tests/collections/sync/map.rs)', () => {
  it('sync::map::mixed_mutations — insert, overwrite, remove, extend; a late reader sees the end state', async (ctx) => {
    const store = freshStore()
    const [w, r1] = closing(ctx, mapKind.writer(net(0), store), mapKind.reader(net(1), store)) as [
      ReturnType<typeof mapKind.writer>,
      ReturnType<typeof mapKind.reader>,
    ]
    await online(w, r1)
    await w.insert(1, 10)
    await w.insert(2, 20)
    await reach(await w.insert(3, 30), r1)
    expect([r1.len(), r1.get(1), r1.get(2), r1.get(3)]).toEqual([3, 10, 20, 30])
    await reach(await w.insert(1, 100), r1)
    expect([r1.get(1), r1.len()]).toEqual([100, 3])
    await reach(await w.remove(2), r1)
    expect([r1.len(), r1.get(2), r1.containsKey(2)]).toEqual([2, undefined, false])
    await reach(
      await w.extend([
        [10, 100],
        [20, 200],
        [30, 300],
      ]),
      r1,
    )
    expect(r1.len()).toBe(5)
    const v = await w.remove(3)
    await reach(v, r1)
    for (const k of [1, 10, 20, 30]) expect(r1.get(k)).toBe(w.get(k))
    const r2 = closing(ctx, mapKind.reader(net(2), store))[0] as ReturnType<typeof mapKind.reader>
    await reach(v, r2)
    expect(mapKind.dump(r2)).toEqual([
      [1, 100],
      [10, 100],
      [20, 200],
      [30, 300],
    ])
  })

  it('sync::map::large_values — 100 values of 10 KB, fetched 10 at a time', async (ctx) => {
    const store = freshStore()
    const opts = fast({ sync: { fetchBatchSize: 10 } })
    const w = ReplicatedMap.writer<number, string>(net(0), store, opts)
    const r1 = ReplicatedMap.reader<number, string>(net(1), store, opts)
    closing(ctx, w, r1)
    await online(w, r1)
    const payload = (i: number) => String(i).padStart(10_000, '0')
    let v = 0
    for (let i = 0; i < 100; i++) v = await w.insert(i, payload(i))
    await reach(v, r1)
    const r2 = closing(ctx, ReplicatedMap.reader<number, string>(net(2), store, opts))[0]!
    await reach(v, r2)
    for (const r of [r1, r2]) {
      expect(r.len()).toBe(100)
      for (let i = 0; i < 100; i++) expect(r.get(i)).toBe(payload(i))
    }
  })

  it('sync::map::overwrite_keys — the last value of each key wins, late reader included', async (ctx) => {
    const store = freshStore()
    const [w, r1] = [mapKind.writer(net(0), store), mapKind.reader(net(1), store)]
    closing(ctx, w, r1)
    await online(w, r1)
    for (let i = 0; i < 100; i++) await w.insert(i, i)
    let v = 0
    for (let i = 0; i < 100; i++) v = await w.insert(i, i * 1000)
    await reach(v, r1)
    const r2 = closing(ctx, mapKind.reader(net(2), store))[0]!
    await reach(v, r2)
    const model = Array.from({ length: 100 }, (_, i) => [i, i * 1000])
    for (const h of [w, r1, r2]) expect(mapKind.dump(h)).toEqual(model)
  })

  it('sync::map::extend_with_overlapping_keys — 150 unique keys after two overlapping extends', async (ctx) => {
    const store = freshStore()
    const [w, r1] = [mapKind.writer(net(0), store), mapKind.reader(net(1), store)]
    closing(ctx, w, r1)
    await online(w, r1)
    await reach(await w.extend(Array.from({ length: 100 }, (_, i) => [i, i] as const)), r1)
    await reach(await w.extend(Array.from({ length: 100 }, (_, i) => [i + 50, (i + 50) * 10] as const)), r1)
    expect([w.len(), r1.len()]).toEqual([150, 150])
    for (let i = 0; i < 50; i++) expect(r1.get(i)).toBe(i)
    for (let i = 50; i < 150; i++) expect(r1.get(i)).toBe(i * 10)
  })

  it('sync::map::remove_nonexistent_keys — removing missing keys changes nothing', async (ctx) => {
    const store = freshStore()
    const [w, r1] = [mapKind.writer(net(0), store), mapKind.reader(net(1), store)]
    closing(ctx, w, r1)
    await online(w, r1)
    await reach(await mapKind.extend(w, 0, 10), r1)
    await w.remove(100)
    await reach(await w.remove(999), r1)
    expect(mapKind.dump(r1)).toEqual(mapKind.model(0, 10))
    await reach(await w.remove(5), r1)
    expect([r1.len(), r1.get(5)]).toEqual([9, undefined])
  })

  it('sync::map::string_keys — 50 string pairs, late reader included', async (ctx) => {
    const store = freshStore()
    const w = ReplicatedMap.writer<string, string>(net(0), store, fast())
    const r1 = ReplicatedMap.reader<string, string>(net(1), store, fast())
    closing(ctx, w, r1)
    await online(w, r1)
    let v = 0
    for (let i = 0; i < 50; i++) v = await w.insert(`key-${i}`, `value-${i}`)
    await reach(v, r1)
    const r2 = closing(ctx, ReplicatedMap.reader<string, string>(net(2), store, fast()))[0]!
    await reach(v, r2)
    for (const r of [r1, r2]) {
      expect(r.len()).toBe(50)
      for (let i = 0; i < 50; i++) expect(r.get(`key-${i}`)).toBe(`value-${i}`)
    }
  })
})
