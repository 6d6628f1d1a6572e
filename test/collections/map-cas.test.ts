import { describe, expect, it } from 'vitest'
import { ReplicatedMap } from '../../src/collections/map.js'
import { closing, fast, freshStore, online, reach } from './collection-harness.js'
import { mapPool, sorted } from './map-harness.js'

// mosaik tests/collections/map.rs, the compare_exchange_* scenarios (each `it` names its Rust test).
// The four networks are shared by every scenario; each scenario has its own store id.
// A "late" member is a handle opened after the writes, on a network that has no replica
// of that store yet, so it catches up by snapshot exactly as a late network would.

const { net, writer, reader, pair } = mapPool()

describe.concurrent('ReplicatedMap: compare-exchange (mosaik tests/collections/map.rs)', () => {
  it('map::compare_exchange_success — swaps when the value matches', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(1, 10), r)
    const v = await w.compareExchange(1, 10, 99)
    await reach(v, r)
    expect([r.get(1), r.len(), w.compareExchangeWon(v)]).toEqual([99, 1, true])
  })

  it('map::compare_exchange_insert_new_key — none to some inserts', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.compareExchange(1, undefined, 10), r)
    expect([r.get(1), r.len()]).toEqual([10, 1])
  })

  it('map::compare_exchange_remove_key — some to none removes', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
      ]),
      r,
    )
    await reach(await w.compareExchange(1, 10, undefined), r)
    expect([r.get(1), r.containsKey(1), r.len(), r.get(2)]).toEqual([undefined, false, 1, 20])
  })

  it('map::compare_exchange_mismatch_no_change — a wrong expectation changes nothing', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(1, 10), r)
    const v1 = await w.compareExchange(1, 999, 200)
    await reach(v1, r)
    expect([r.get(1), w.compareExchangeWon(v1)]).toEqual([10, false])
    await reach(await w.compareExchange(1, undefined, 300), r)
    expect(r.get(1)).toBe(10)
  })

  it('map::compare_exchange_mismatch_on_missing_key — expecting a value on a missing key inserts nothing', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.compareExchange(1, 42, 99), r)
    expect([r.isEmpty(), r.get(1)]).toEqual([true, undefined])
  })

  it('map::compare_exchange_replicates_to_readers — two readers see the swap', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    const [r1, r2] = [reader(ctx, store, 1), reader(ctx, store, 2)]
    await online(w, r1, r2)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
      ]),
      r1,
      r2,
    )
    await reach(await w.compareExchange(1, 10, 100), r1, r2)
    for (const r of [r1, r2]) expect([r.get(1), r.get(2)]).toEqual([100, 20])
  })

  it('map::compare_exchange_chained — none → 1 → 2 → 3 → none', async (ctx) => {
    const { w, r } = await pair(ctx)
    const steps: [number | undefined, number | undefined][] = [
      [undefined, 1],
      [1, 2],
      [2, 3],
      [3, undefined],
    ]
    for (const [from, to] of steps) {
      await reach(await w.compareExchange(1, from, to), r)
      expect(r.get(1)).toBe(to)
    }
    expect(r.isEmpty()).toBe(true)
  })

  it('map::compare_exchange_mixed_with_insert_remove — interleaved with insert, remove, clear', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(1, 10), r)
    await reach(await w.compareExchange(1, 10, 20), r)
    expect(r.get(1)).toBe(20)
    await reach(await w.remove(1), r)
    await reach(await w.compareExchange(1, undefined, 30), r)
    expect(r.get(1)).toBe(30)
    await reach(await w.clear(), r)
    await reach(await w.compareExchange(1, undefined, 40), r)
    expect([r.get(1), r.len()]).toEqual([40, 1])
    await reach(await w.insert(2, 50), r)
    expect(r.len()).toBe(2)
  })

  it('map::compare_exchange_multiple_keys — independent keys', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
      r,
    )
    await reach(await w.compareExchange(1, 10, 100), r)
    await reach(await w.compareExchange(2, 20, undefined), r)
    await reach(await w.compareExchange(4, undefined, 40), r)
    expect(sorted(r)).toEqual([
      [1, 100],
      [3, 30],
      [4, 40],
    ])
  })

  it('map::compare_exchange_none_to_none — a committed no-op on a missing key', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.compareExchange(1, undefined, undefined), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.insert(1, 10), r)
    expect(r.get(1)).toBe(10)
  })

  it('map::compare_exchange_catchup — a late reader sees the swapped state', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    await w.compareExchange(1, undefined, 10)
    await w.compareExchange(2, undefined, 20)
    const v = await w.compareExchange(1, 10, 100)
    const r = reader(ctx, store, 1)
    await reach(v, r)
    expect(sorted(r)).toEqual([
      [1, 100],
      [2, 20],
    ])
  })

  it('map::compare_exchange_string_keys — insert, update, delete by string key', async (ctx) => {
    const store = freshStore()
    const w = ReplicatedMap.writer<string, string>(net(0), store, fast())
    const r = ReplicatedMap.reader<string, string>(net(1), store, fast())
    closing(ctx, w, r)
    await online(w, r)
    await reach(await w.compareExchange('key', undefined, 'value'), r)
    expect(r.get('key')).toBe('value')
    await reach(await w.compareExchange('key', 'value', 'updated'), r)
    expect(r.get('key')).toBe('updated')
    await reach(await w.compareExchange('key', 'updated', undefined), r)
    expect(r.isEmpty()).toBe(true)
  })
})
