import { describe, expect, it } from 'vitest'
import { ReplicatedSet } from '../../../src/collections/set.js'
import type { Network } from '../../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach } from '../collection-harness.js'
import { setKind } from './kinds.js'
import { syncScenarios } from './scenarios.js'

// mosaik tests/collections/sync/set.rs: the shared scenarios, then the set's own.

const pool = networkPool(6)
const net = (i: number) => pool.nets[i] as Network
syncScenarios(setKind, pool, { frozen: 10_000, during: 5_000 })

describe.concurrent('set: snapshot sync, set-only scenarios (mosaik tests/collections/sync/set.rs)', () => {
  const pair = async (ctx: Parameters<typeof closing>[0]) => {
    const store = freshStore()
    const w = setKind.writer(net(0), store)
    const r1 = setKind.reader(net(1), store)
    closing(ctx, w, r1)
    await online(w, r1)
    return { store, w, r1 }
  }

  it('sync::set::mixed_mutations — insert, remove, extend, clear; a late reader sees the end state', async (ctx) => {
    const { store, w, r1 } = await pair(ctx)
    await w.insert(1)
    await w.insert(2)
    await reach(await w.insert(3), r1)
    expect(setKind.dump(r1)).toEqual([1, 2, 3])
    await reach(await w.remove(2), r1)
    expect([r1.len(), r1.contains(2)]).toEqual([2, false])
    await reach(await w.extend([10, 20, 30]), r1)
    expect(r1.len()).toBe(5)
    await reach(await w.removeMany([1, 10]), r1)
    const v = await w.insert(40)
    await reach(v, r1)
    expect(setKind.dump(r1)).toEqual([3, 20, 30, 40])
    const r2 = closing(ctx, setKind.reader(net(2), store))[0]!
    await reach(v, r2)
    expect(setKind.dump(r2)).toEqual([3, 20, 30, 40])
  })

  it('sync::set::large_elements — 100 elements of 10 KB, fetched 10 at a time', async (ctx) => {
    const store = freshStore()
    const opts = fast({ sync: { fetchBatchSize: 10 } })
    const w = ReplicatedSet.writer<string>(net(0), store, opts)
    const r1 = ReplicatedSet.reader<string>(net(1), store, opts)
    closing(ctx, w, r1)
    await online(w, r1)
    const payload = (i: number) => String(i).padStart(10_000, '0')
    let v = 0
    for (let i = 0; i < 100; i++) v = await w.insert(payload(i))
    await reach(v, r1)
    const r2 = closing(ctx, ReplicatedSet.reader<string>(net(2), store, opts))[0]!
    await reach(v, r2)
    for (const r of [r1, r2]) {
      expect(r.len()).toBe(100)
      for (let i = 0; i < 100; i++) expect(r.contains(payload(i))).toBe(true)
    }
  })

  it('sync::set::insert_duplicates — inserting every element twice keeps 100', async (ctx) => {
    const { store, w, r1 } = await pair(ctx)
    for (let i = 0; i < 100; i++) await w.insert(i)
    let v = 0
    for (let i = 0; i < 100; i++) v = await w.insert(i)
    await reach(v, r1)
    const r2 = closing(ctx, setKind.reader(net(2), store))[0]!
    await reach(v, r2)
    const model = Array.from({ length: 100 }, (_, i) => i)
    for (const h of [w, r1, r2]) expect(setKind.dump(h)).toEqual(model)
  })

  it('sync::set::remove_nonexistent_values — removing missing elements changes nothing', async (ctx) => {
    const { w, r1 } = await pair(ctx)
    await reach(await w.extend(Array.from({ length: 10 }, (_, i) => i)), r1)
    await w.remove(100)
    await reach(await w.remove(999), r1)
    expect([w.len(), r1.len()]).toEqual([10, 10])
    await reach(await w.remove(5), r1)
    expect([r1.len(), r1.contains(5)]).toEqual([9, false])
  })

  it('sync::set::string_elements — 50 strings, late reader included', async (ctx) => {
    const store = freshStore()
    const w = ReplicatedSet.writer<string>(net(0), store, fast())
    const r1 = ReplicatedSet.reader<string>(net(1), store, fast())
    closing(ctx, w, r1)
    await online(w, r1)
    let v = 0
    for (let i = 0; i < 50; i++) v = await w.insert(`item-${i}`)
    await reach(v, r1)
    const r2 = closing(ctx, ReplicatedSet.reader<string>(net(2), store, fast()))[0]!
    await reach(v, r2)
    for (const r of [r1, r2]) {
      expect(r.len()).toBe(50)
      for (let i = 0; i < 50; i++) expect(r.contains(`item-${i}`)).toBe(true)
    }
  })
})
