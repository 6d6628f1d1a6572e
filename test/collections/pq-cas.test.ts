import { describe, expect, it } from 'vitest'
import { definePriorityQueue } from '../../src/collections/pq.js'
import { closing, fast, freshStore, online, reach, within } from './collection-harness.js'
import { FIVE, pqPool, priorities } from './pq-harness.js'

// mosaik tests/collections/depq.rs, the compare_exchange_value_* and bounded_* scenarios (each `it` names its Rust test;
// mosaik's `BoundedPriorityQueue<…, CAP>` is `capacity: CAP` here).

const { net, writer, reader, pair, alone } = pqPool()

describe.concurrent('PriorityQueue: compare-exchange and bounded queues (mosaik tests/collections/depq.rs)', () => {
  it('depq::compare_exchange_value_success — swaps the value, keeps the priority', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(10, 1, 100), r)
    await reach(await w.compareExchangeValue(1, 100, 200), r)
    expect([r.get(1), r.getPriority(1), r.len()]).toEqual([200, 10, 1])
  })

  it('depq::compare_exchange_value_remove — a matching value with no next removes the key', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [10, 1, 100],
        [20, 2, 200],
      ]),
      r,
    )
    await reach(await w.compareExchangeValue(1, 100, undefined), r)
    expect([r.get(1), r.containsKey(1), r.len(), r.get(2)]).toEqual([undefined, false, 1, 200])
  })

  it('depq::compare_exchange_value_mismatch — a wrong expectation changes nothing', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(10, 1, 100), r)
    await reach(await w.compareExchangeValue(1, 999, 200), r)
    expect(r.get(1)).toBe(100)
    await reach(await w.compareExchangeValue(1, 999, undefined), r)
    expect([r.get(1), r.len()]).toEqual([100, 1])
  })

  it('depq::compare_exchange_value_missing_key — a committed no-op', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.compareExchangeValue(1, 100, 200), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.insert(10, 1, 100), r)
    await reach(await w.compareExchangeValue(99, 100, 200), r)
    expect([r.len(), r.get(99)]).toEqual([1, undefined])
  })

  it('depq::compare_exchange_value_replicates_to_readers — two readers see the swap', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    const [r1, r2] = [reader(ctx, store, 1), reader(ctx, store, 2)]
    await online(w, r1, r2)
    await reach(
      await w.extend([
        [10, 1, 100],
        [20, 2, 200],
      ]),
      r1,
      r2,
    )
    await reach(await w.compareExchangeValue(1, 100, 150), r1, r2)
    for (const r of [r1, r2]) expect([r.get(1), r.getPriority(1), r.get(2)]).toEqual([150, 10, 200])
  })

  it('depq::compare_exchange_value_chained — 100 → 200 → 300 → removed', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(10, 1, 100), r)
    for (const [from, to] of [
      [100, 200],
      [200, 300],
      [300, undefined],
    ] as const) {
      await reach(await w.compareExchangeValue(1, from, to), r)
      expect(r.get(1)).toBe(to)
    }
    expect(r.isEmpty()).toBe(true)
  })

  it('depq::compare_exchange_value_preserves_priority — order is unchanged', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [5, 1, 100],
        [10, 2, 200],
        [20, 3, 300],
      ]),
      r,
    )
    await reach(await w.compareExchangeValue(2, 200, 250), r)
    expect([r.get(2), r.getPriority(2), r.minPriority(), r.maxPriority(), r.get(1), r.get(3)]).toEqual([
      250, 10, 5, 20, 100, 300,
    ])
    expect(priorities(r)).toEqual([5, 10, 20])
  })

  it('depq::compare_exchange_value_mixed_with_mutations — with updateValue, updatePriority, insert', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(10, 1, 100), r)
    await reach(await w.compareExchangeValue(1, 100, 200), r)
    expect(r.get(1)).toBe(200)
    await reach(await w.updateValue(1, 300), r)
    await reach(await w.compareExchangeValue(1, 300, 400), r)
    expect(r.get(1)).toBe(400)
    await reach(await w.updatePriority(1, 50), r)
    expect(r.getPriority(1)).toBe(50)
    await reach(await w.compareExchangeValue(1, 400, 500), r)
    expect([r.get(1), r.getPriority(1)]).toEqual([500, 50])
    await reach(await w.compareExchangeValue(1, 500, undefined), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.insert(1, 1, 10), r)
    expect([r.get(1), r.len()]).toEqual([10, 1])
  })

  it('depq::compare_exchange_value_catchup — a late reader sees swapped values', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    await w.insert(10, 1, 100)
    await w.compareExchangeValue(1, 100, 200)
    await w.insert(20, 2, 300)
    const v = await w.compareExchangeValue(2, 300, 400)
    const r = reader(ctx, store, 1)
    await reach(v, r)
    expect(r.iterAsc()).toEqual([
      [10, 1, 200],
      [20, 2, 400],
    ])
  })

  it('depq::compare_exchange_value_remove_affects_minmax — removing ends moves min and max', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [5, 1, 100],
        [10, 2, 200],
        [20, 3, 300],
      ]),
      r,
    )
    expect([r.minPriority(), r.maxPriority()]).toEqual([5, 20])
    await reach(await w.compareExchangeValue(1, 100, undefined), r)
    expect([r.minPriority(), r.len()]).toEqual([10, 2])
    await reach(await w.compareExchangeValue(3, 300, undefined), r)
    expect([r.minPriority(), r.maxPriority(), r.len()]).toEqual([10, 10, 1])
  })

  it('depq::bounded_evicts_lowest_priority — capacity 3, a fourth insert evicts the lowest', async (ctx) => {
    const { w, r } = await pair(ctx, { capacity: 3 })
    for (const [p, k, v] of FIVE.slice(0, 3)) await reach(await w.insert(p, k, v), r)
    expect(r.len()).toBe(3)
    await reach(await w.insert(40, 4, 400), r)
    expect([r.len(), r.containsKey(1), r.containsKey(2), r.containsKey(3), r.containsKey(4)]).toEqual([
      3,
      false,
      true,
      true,
      true,
    ])
    expect([r.minPriority(), r.maxPriority()]).toEqual([20, 40])
  })

  it('depq::bounded_insert_lower_than_all — the new entry is itself evicted', async (ctx) => {
    const w = await alone(ctx, { capacity: 2 })
    await w.insert(10, 1, 100)
    await w.insert(20, 2, 200)
    expect(w.len()).toBe(2)
    await w.insert(5, 3, 300)
    expect([w.len(), w.containsKey(3), w.containsKey(1), w.containsKey(2)]).toEqual([2, false, true, true])
  })

  it('depq::bounded_extend_evicts_multiple — an extend past capacity evicts several', async (ctx) => {
    const { w, r } = await pair(ctx, { capacity: 3 })
    await w.insert(1, 1, 100)
    await w.insert(2, 2, 200)
    await reach(
      await w.extend([
        [3, 3, 300],
        [4, 4, 400],
        [5, 5, 500],
      ]),
      r,
    )
    expect(r.iterAsc().map(([, k]) => k)).toEqual([3, 4, 5])
  })

  it('depq::bounded_update_priority_no_eviction — moving a key never evicts', async (ctx) => {
    const w = await alone(ctx, { capacity: 3 })
    for (const [p, k, v] of FIVE.slice(0, 3)) await w.insert(p, k, v)
    await w.updatePriority(1, 50)
    expect([w.len(), w.containsKey(1), w.getPriority(1), w.minPriority(), w.maxPriority()]).toEqual([
      3,
      true,
      50,
      20,
      50,
    ])
  })

  it('depq::bounded_upsert_no_eviction — re-inserting a present key never evicts', async (ctx) => {
    const w = await alone(ctx, { capacity: 2 })
    await w.insert(10, 1, 100)
    await w.insert(20, 2, 200)
    await w.insert(5, 1, 150)
    expect([w.len(), w.get(1), w.getPriority(1), w.containsKey(2)]).toEqual([2, 150, 5, true])
  })

  it('depq::bounded_collection_macro — a declared bounded queue of capacity 5', async (ctx) => {
    const TestBounded = definePriorityQueue<number, string, string>(
      `bounded_depq_macro_test-${freshStore()}`,
      fast({ capacity: 5 }),
    )
    const w = TestBounded.writer(net(0))
    const r = TestBounded.reader(net(1))
    closing(ctx, w, r)
    await within(10, 'the first insert', w.insert(0, 'k0', 'v0'))
    for (let i = 1; i < 5; i++) await w.insert(i, `k${i}`, `v${i}`)
    await reach(await w.insert(10, 'k5', 'v5'), r)
    expect([r.len(), r.containsKey('k0'), r.containsKey('k5')]).toEqual([5, false, true])
  })
})
