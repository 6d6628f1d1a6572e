import { describe, expect, it } from 'vitest'
import { definePriorityQueue, PriorityQueue, type PriorityQueueWriter } from '../../src/collections/pq.js'
import { closing, fast, freshStore, online, reach, within } from './collection-harness.js'
import { FIVE, pqPool, priorities } from './pq-harness.js'

// mosaik tests/collections/depq.rs, scenario by scenario (each `it` names its Rust test;
// mosaik's `BoundedPriorityQueue<…, CAP>` is `capacity: CAP` here).

const { net, writer, reader, pair, alone } = pqPool()

describe.concurrent('PriorityQueue (mosaik tests/collections/depq.rs)', () => {
  it('depq::smoke_no_catchup — every read and write, seen by a reader', async (ctx) => {
    const { w, r } = await pair(ctx)
    expect([r.isEmpty(), r.len(), r.get(1), r.getPriority(1), r.containsKey(1)]).toEqual([
      true,
      0,
      undefined,
      undefined,
      false,
    ])
    expect([r.getMin(), r.getMax(), r.minPriority(), r.maxPriority(), r.iter()]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      [],
    ])
    await reach(await w.insert(10, 1, 100), r)
    expect([r.len(), r.isEmpty(), r.get(1), r.getPriority(1), r.containsKey(1), r.containsKey(2)]).toEqual([
      1,
      false,
      100,
      10,
      true,
      false,
    ])
    expect([r.getMin(), r.getMax(), r.minPriority(), r.maxPriority()]).toEqual([[10, 1, 100], [10, 1, 100], 10, 10])
    await w.insert(5, 2, 200)
    await reach(await w.insert(20, 3, 300), r)
    expect([r.len(), r.getMin(), r.getMax(), r.minPriority(), r.maxPriority()]).toEqual([
      3,
      [5, 2, 200],
      [20, 3, 300],
      5,
      20,
    ])
    await reach(await w.insert(15, 1, 150), r)
    expect([r.get(1), r.getPriority(1)]).toEqual([150, 15])
    await reach(
      await w.extend([
        [1, 4, 400],
        [30, 5, 500],
        [8, 6, 600],
      ]),
      r,
    )
    expect([r.len(), r.get(4), r.getPriority(4), r.get(5), r.getPriority(5)]).toEqual([6, 400, 1, 500, 30])
    expect(priorities(r)).toEqual([1, 5, 8, 15, 20, 30])
    expect(r.iterDesc().map(([p]) => p)).toEqual([30, 20, 15, 8, 5, 1])
    await reach(await w.remove(4), r)
    expect([r.len(), r.get(4), r.containsKey(4), r.minPriority()]).toEqual([5, undefined, false, 5])
    await reach(await w.clear(), r)
    expect([r.isEmpty(), r.len(), r.getMin(), r.getMax()]).toEqual([true, 0, undefined, undefined])
  })

  it('depq::catchup_single_reader — a late reader gets 103 entries with priorities', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 100; i++) await within(5, `insert(${i})`, w.insert(i * 10, i, i * 100))
    const v = await w.extend([
      [1000, 100, 10000],
      [1010, 101, 10100],
      [1020, 102, 10200],
    ])
    const r = reader(ctx, store, 1)
    await reach(v, r)
    expect(r.len()).toBe(103)
    for (let i = 0; i < 100; i++) expect([r.get(i), r.getPriority(i)]).toEqual([i * 100, i * 10])
    expect([r.get(100), r.get(101), r.get(102), r.minPriority(), r.maxPriority()]).toEqual([
      10000, 10100, 10200, 0, 1020,
    ])
    await reach(await w.remove(50), r)
    expect([r.len(), r.get(50)]).toEqual([102, undefined])
  })

  it('depq::multiple_readers — three readers converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    const rs = [1, 2, 3].map((i) => reader(ctx, store, i))
    await online(w, ...rs)
    await reach(await w.extend(FIVE), ...rs)
    for (const r of rs) expect(priorities(r)).toEqual([10, 20, 30, 40, 50])
    await reach(await w.insert(5, 6, 600), ...rs)
    await reach(await w.remove(5), ...rs)
    for (const r of rs) expect([r.len(), r.minPriority(), r.maxPriority()]).toEqual([5, 5, 40])
  })

  it('depq::multiple_writers — two writers and a reader agree', async (ctx) => {
    const store = freshStore()
    const [w0, w1, r] = [writer(ctx, store, 0), writer(ctx, store, 1), reader(ctx, store, 2)]
    await online(w0, w1, r)
    await reach(await w0.insert(10, 1, 100), r)
    await reach(await w1.insert(20, 2, 200), r)
    const v = await w0.extend([[30, 3, 300]])
    await reach(v, r, w0, w1)
    expect(r.iterAsc()).toEqual([
      [10, 1, 100],
      [20, 2, 200],
      [30, 3, 300],
    ])
    expect(w0.iterAsc()).toEqual(r.iterAsc())
    expect(w1.iterAsc()).toEqual(r.iterAsc())
  })

  it('depq::catchup_multiple_readers — readers joining at different times converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 50; i++) await w.insert(i, i, i * 10)
    const mid = await w.insert(999, 999, 9990)
    const r1 = reader(ctx, store, 1)
    await reach(mid, r1)
    expect([r1.len(), r1.maxPriority()]).toEqual([51, 999])
    for (let i = 50; i < 80; i++) await w.insert(i, i, i * 10)
    const late = await w.insert(1000, 1000, 10000)
    const r2 = reader(ctx, store, 2)
    await reach(late, r1, r2)
    expect([r1.len(), r2.len()]).toEqual([82, 82])
    expect(r1.iterAsc()).toEqual(r2.iterAsc())
  })

  it('depq::insert_overwrite — re-inserting a key moves it and replaces its value', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(10, 1, 100), r)
    await reach(await w.insert(99, 1, 999), r)
    expect([r.len(), r.get(1), r.getPriority(1), r.minPriority(), r.maxPriority()]).toEqual([1, 999, 99, 99, 99])
  })

  it('depq::update_priority — moves a present key, ignores a missing one', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE.slice(0, 3)), r)
    await reach(await w.updatePriority(1, 50), r)
    expect([r.len(), r.getPriority(1), r.get(1), r.minPriority(), r.maxPriority()]).toEqual([3, 50, 100, 20, 50])
    await reach(await w.updatePriority(999, 1), r)
    expect([r.len(), r.get(999)]).toEqual([3, undefined])
  })

  it('depq::update_value — replaces a present value in place, ignores a missing key', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE.slice(0, 3)), r)
    await reach(await w.updateValue(2, 999), r)
    expect([r.len(), r.get(2), r.getPriority(2)]).toEqual([3, 999, 20])
    await reach(await w.updateValue(999, 42), r)
    expect([r.len(), r.get(999)]).toEqual([3, undefined])
  })

  it('depq::remove_range — below, at or above, inclusive, and unbounded', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE), r)
    await reach(await w.removeRange({ lt: 25 }), r)
    expect([r.len(), r.get(1), r.get(2), r.get(3), r.minPriority()]).toEqual([3, undefined, undefined, 300, 30])
    await reach(await w.removeRange({ gte: 45 }), r)
    expect([r.len(), r.get(5), r.maxPriority()]).toEqual([2, undefined, 40])
    await reach(await w.clear(), r)
    await reach(await w.extend(FIVE), r)
    await reach(await w.removeRange({ gte: 20, lte: 40 }), r)
    expect(r.iterAsc()).toEqual([
      [10, 1, 100],
      [50, 5, 500],
    ])
    await reach(await w.removeRange({}), r)
    expect(r.isEmpty()).toBe(true)
  })

  it('depq::remove_nonexistent — removing a missing key is a committed no-op', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE.slice(0, 3)), r)
    await reach(await w.remove(999), r)
    expect(r.len()).toBe(3)
  })

  it('depq::clear_then_rebuild — old entries are gone after clear', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE.slice(0, 3)), r)
    await reach(await w.clear(), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.insert(100, 10, 1000), r)
    expect([r.len(), r.get(10), r.get(1), r.minPriority()]).toEqual([1, 1000, undefined, 100])
  })

  it('depq::extend_empty — an empty extend commits nothing and resolves', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(10, 1, 100), r)
    expect(await w.extend([])).toBe(w.version())
    await reach(await w.insert(20, 2, 200), r)
    expect(r.len()).toBe(2)
  })

  it('depq::extend_overwrite — extend replaces overlapping keys', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE.slice(0, 3)), r)
    await reach(
      await w.extend([
        [25, 2, 250],
        [35, 3, 350],
        [40, 4, 400],
      ]),
      r,
    )
    expect(r.iterAsc()).toEqual([
      [10, 1, 100],
      [25, 2, 250],
      [35, 3, 350],
      [40, 4, 400],
    ])
  })

  it('depq::same_priority_bucket — entries sharing a priority', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [10, 1, 100],
        [10, 2, 200],
        [10, 3, 300],
        [20, 4, 400],
      ]),
      r,
    )
    expect([r.len(), r.minPriority(), r.maxPriority()]).toEqual([4, 10, 20])
    const [p, k] = r.getMin() ?? []
    expect(p).toBe(10)
    expect([1, 2, 3]).toContain(k)
    await reach(await w.remove(2), r)
    expect([r.len(), r.minPriority()]).toEqual([3, 10])
    await w.remove(1)
    await reach(await w.remove(3), r)
    expect([r.len(), r.minPriority()]).toEqual([1, 20])
  })

  it('depq::many_writers_many_readers — two writers, two readers, all agree', async (ctx) => {
    const store = freshStore()
    const [w0, w1] = [writer(ctx, store, 0), writer(ctx, store, 1)]
    const [r0, r1] = [reader(ctx, store, 2), reader(ctx, store, 3)]
    await online(w0, w1, r0, r1)
    await reach(await w0.extend(FIVE.slice(0, 3)), r0, r1)
    await reach(await w1.extend(FIVE.slice(3)), r0, r1)
    await reach(await w0.remove(1), r0, r1)
    const v = await w1.insert(60, 6, 600)
    await reach(v, r0, r1, w0, w1)
    for (const q of [w1, r0, r1]) expect(q.iterAsc()).toEqual(w0.iterAsc())
    expect(priorities(w0)).toEqual([20, 30, 40, 50, 60])
  })

  it('depq::late_writer_catchup — a late writer sees the queue, then writes', async (ctx) => {
    const store = freshStore()
    const w0 = writer(ctx, store, 0)
    await online(w0)
    const v = await w0.extend(FIVE)
    const w1 = writer(ctx, store, 1)
    await reach(v, w1)
    expect(w1.len()).toBe(5)
    await reach(await within(10, 'the late writer inserts', w1.insert(99, 99, 990)), w0)
    expect([w0.len(), w0.maxPriority(), w1.get(99)]).toEqual([6, 99, 990])
  })

  it('depq::writer_reads_own_writes — string keys and values', async (ctx) => {
    const w = closing(
      ctx,
      PriorityQueue.writer<number, string, string>(net(0), freshStore(), fast()),
    )[0] as PriorityQueueWriter<number, string, string>
    await online(w)
    await reach(await w.insert(1, 'hello', 'world'), w)
    await reach(await w.insert(2, 'foo', 'bar'), w)
    expect([w.len(), w.get('hello'), w.containsKey('foo'), w.getMax()]).toEqual([2, 'world', true, [2, 'foo', 'bar']])
  })

  it('depq::remove_all_entries — one by one, then re-insert', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE.slice(0, 3)), r)
    for (const [k, left] of [
      [1, 2],
      [2, 1],
      [3, 0],
    ] as const) {
      await reach(await w.remove(k), r)
      expect(r.len()).toBe(left)
    }
    expect([r.getMin(), r.getMax()]).toEqual([undefined, undefined])
    await reach(await w.insert(5, 4, 400), r)
    expect(r.iterAsc()).toEqual([[5, 4, 400]])
  })

  it('depq::remove_keys — several keys in one command, missing ones ignored', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend(FIVE), r)
    await reach(await w.removeKeys([2, 4, 5]), r)
    expect([r.len(), r.get(1), r.get(3), r.minPriority(), r.maxPriority()]).toEqual([2, 100, 300, 10, 30])
    await reach(await w.removeKeys([1, 99, 100]), r)
    expect(r.iterAsc()).toEqual([[30, 3, 300]])
    expect(await w.removeKeys([])).toBe(w.version())
    await reach(await w.insert(60, 10, 1000), r)
    expect(r.len()).toBe(2)
  })

  it('depq::remove_range_empty — on an empty queue, then insert', async (ctx) => {
    const w = await alone(ctx)
    await reach(await w.removeRange({ lt: 100 }), w)
    expect(w.isEmpty()).toBe(true)
    await reach(await w.insert(10, 1, 100), w)
    expect(w.len()).toBe(1)
  })

  it('depq::iter_ordering_after_mutations — ascending and descending after removes and moves', async (ctx) => {
    const w = await alone(ctx)
    await reach(
      await w.extend([
        [50, 1, 100],
        [10, 2, 200],
        [30, 3, 300],
        [20, 4, 400],
        [40, 5, 500],
      ]),
      w,
    )
    expect(priorities(w)).toEqual([10, 20, 30, 40, 50])
    expect(w.iterDesc().map(([p]) => p)).toEqual([50, 40, 30, 20, 10])
    await reach(await w.remove(3), w)
    expect(priorities(w)).toEqual([10, 20, 40, 50])
    expect(w.iterDesc().map(([p]) => p)).toEqual([50, 40, 20, 10])
    await reach(await w.updatePriority(2, 45), w)
    expect(priorities(w)).toEqual([20, 40, 45, 50])
  })

  it('depq::construct_from_def — a declaration opens writer and reader', async (ctx) => {
    const Def = definePriorityQueue<number, string, string>(`test1-${freshStore()}`, fast({ typeName: 'String' }))
    const w = Def.writer(net(0))
    const r = Def.reader(net(1))
    closing(ctx, w, r)
    await reach(await within(10, 'insert through a definition', w.insert(1, 'hello', 'world')), w, r)
    expect([w.len(), r.get('hello')]).toEqual([1, 'world'])
  })

  it('depq::construct_from_macro — a named declaration (mosaik `collection!`)', async (ctx) => {
    const TestPq = definePriorityQueue<number, string, string>(`test.depq.macro-${freshStore()}`, fast())
    expect(TestPq.kind).toBe('pq')
    const w = TestPq.writer(net(0))
    const r = TestPq.reader(net(1))
    closing(ctx, w, r)
    await reach(await within(10, 'insert through a definition', w.insert(1, 'hello', 'world')), r)
    expect(r.get('hello')).toBe('world')
  })
})
