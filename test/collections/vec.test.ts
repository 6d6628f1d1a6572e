import { describe, expect, it, type TestContext } from 'vitest'
import { defineVec, Vec, type VecReader, type VecWriter } from '../../src/collections/vec.js'
import type { Network } from '../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach, within } from './collection-harness.js'

// mosaik tests/collections/vec.rs, scenario by scenario (each `it` names its Rust test).

const pool = networkPool(4)
const net = (i: number): Network => pool.nets[i] as Network
const writer = <T = number>(ctx: TestContext, store: string, i: number) =>
  closing(ctx, Vec.writer<T>(net(i), store, fast()))[0] as VecWriter<T>
const reader = <T = number>(ctx: TestContext, store: string, i: number) =>
  closing(ctx, Vec.reader<T>(net(i), store, fast()))[0] as VecReader<T>

async function pair(ctx: TestContext) {
  const store = freshStore()
  const w = writer(ctx, store, 0)
  const r = reader(ctx, store, 1)
  await online(w, r)
  return { w, r }
}

describe.concurrent('Vec (mosaik tests/collections/vec.rs)', () => {
  it('vec::smoke_no_catchup — every read and write, seen by a reader', async (ctx) => {
    const { w, r } = await pair(ctx)
    expect([r.isEmpty(), r.len(), r.front(), r.back(), r.head(), r.last(), r.get(0)]).toEqual([
      true,
      0,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
    expect([r.contains(0), r.indexOf(0), r.values()]).toEqual([false, undefined, []])
    await reach(await w.pushBack(10), r)
    expect([r.len(), r.get(0), r.front(), r.back(), r.head(), r.last(), r.contains(10), r.indexOf(10)]).toEqual([
      1,
      10,
      10,
      10,
      10,
      10,
      true,
      0,
    ])
    await reach(await w.pushFront(5), r)
    expect(r.values()).toEqual([5, 10])
    await reach(await w.extend([20, 30, 40]), r)
    expect(r.values()).toEqual([5, 10, 20, 30, 40])
    await reach(await w.insert(2, 15), r)
    expect([r.len(), r.get(2), r.get(3)]).toEqual([6, 15, 20])
    expect([r.contains(15), r.contains(99), r.indexOf(15), r.indexOf(99)]).toEqual([true, false, 2, undefined])
    expect(r.values()).toEqual([5, 10, 15, 20, 30, 40])
    await reach(await w.swap(0, 5), r)
    expect([r.front(), r.back()]).toEqual([40, 5])
    await reach(await w.popBack(), r)
    expect([r.len(), r.back()]).toEqual([5, 30])
    await reach(await w.popFront(), r)
    expect([r.len(), r.front()]).toEqual([4, 10])
    await reach(await w.remove(1), r)
    expect([r.len(), r.get(1)]).toEqual([3, 20])
    await reach(await w.truncate(2), r)
    expect([r.len(), r.get(2)]).toEqual([2, undefined])
    await reach(await w.clear(), r)
    expect([r.isEmpty(), r.len()]).toEqual([true, 0])
  })

  it('vec::catchup_single_reader — a late reader gets 107 elements in order, then follows', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 100; i++) await within(5, `pushBack(${i + 5})`, w.pushBack(i + 5))
    const v = await w.extend([10, 20, 30, 40, 50, 60, 70])
    const r = reader(ctx, store, 1)
    await reach(v, r)
    expect(r.len()).toBe(107)
    for (let i = 0; i < 100; i++) expect(r.get(i)).toBe(i + 5)
    for (let i = 0; i < 7; i++) expect(r.get(100 + i)).toBe((i + 1) * 10)
    await reach(await w.remove(50), r)
    expect([r.len(), r.get(50)]).toEqual([106, 56])
  })

  it('vec::multiple_readers — three readers converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    const rs = [1, 2, 3].map((i) => reader(ctx, store, i))
    await online(w, ...rs)
    await reach(await w.extend([1, 2, 3, 4, 5]), ...rs)
    for (const r of rs) expect(r.values()).toEqual([1, 2, 3, 4, 5])
    await reach(await w.pushBack(6), ...rs)
    await reach(await w.popFront(), ...rs)
    for (const r of rs) expect(r.values()).toEqual([2, 3, 4, 5, 6])
  })

  it('vec::multiple_writers — two writers and a reader agree on one order', async (ctx) => {
    const store = freshStore()
    const [w0, w1, r] = [writer(ctx, store, 0), writer(ctx, store, 1), reader(ctx, store, 2)]
    await online(w0, w1, r)
    await reach(await w0.pushBack(1), r)
    await reach(await w1.pushBack(2), r)
    await reach(await w0.pushBack(3), r)
    const v = await w1.extend([4, 5])
    await reach(v, r, w0, w1)
    expect(r.values()).toEqual([1, 2, 3, 4, 5])
    expect(w0.values()).toEqual(r.values())
    expect(w1.values()).toEqual(r.values())
  })

  it('vec::catchup_multiple_readers — readers joining at different times converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 50; i++) await w.pushBack(i)
    const mid = await w.pushBack(999)
    const r1 = reader(ctx, store, 1)
    await reach(mid, r1)
    expect([r1.len(), r1.back()]).toEqual([51, 999])
    for (let i = 50; i < 80; i++) await w.pushBack(i)
    const late = await w.pushBack(1000)
    const r2 = reader(ctx, store, 2)
    await reach(late, r1, r2)
    expect([r1.len(), r2.len(), r2.back()]).toEqual([82, 82, 1000])
    expect(r1.values()).toEqual(r2.values())
  })

  it('vec::push_front_back_ordering — alternating ends', async (ctx) => {
    const { w, r } = await pair(ctx)
    await w.pushBack(3)
    await w.pushFront(2)
    await w.pushBack(4)
    await w.pushFront(1)
    await reach(await w.pushBack(5), r)
    expect(r.values()).toEqual([1, 2, 3, 4, 5])
  })

  it('vec::pop_until_empty — pops from both ends, then no-ops on empty', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3, 4]), r)
    await reach(await w.popFront(), r)
    expect(r.front()).toBe(2)
    await reach(await w.popBack(), r)
    expect(r.back()).toBe(3)
    await w.popFront()
    await reach(await w.popBack(), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.popBack(), r)
    await reach(await w.popFront(), r)
    expect(r.isEmpty()).toBe(true)
  })

  it('vec::swap_variations — normal, same index, out of range', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([10, 20, 30]), r)
    await reach(await w.swap(0, 2), r)
    expect(r.values()).toEqual([30, 20, 10])
    await reach(await w.swap(1, 1), r)
    expect(r.values()).toEqual([30, 20, 10])
    await reach(await w.swap(0, 999), r)
    expect(r.values()).toEqual([30, 20, 10])
  })

  it('vec::insert_at_positions — into empty, front, end, middle', async (ctx) => {
    const { w, r } = await pair(ctx)
    const steps: [number, number, number[]][] = [
      [0, 50, [50]],
      [0, 10, [10, 50]],
      [2, 90, [10, 50, 90]],
      [1, 30, [10, 30, 50, 90]],
    ]
    for (const [index, value, expected] of steps) {
      await reach(await w.insert(index, value), r)
      expect(r.values()).toEqual(expected)
    }
  })

  it('vec::truncate_edge_cases — longer, equal, shorter, zero', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3, 4, 5]), r)
    await reach(await w.truncate(100), r)
    expect(r.len()).toBe(5)
    await reach(await w.truncate(5), r)
    expect(r.len()).toBe(5)
    await reach(await w.truncate(3), r)
    expect(r.values()).toEqual([1, 2, 3])
    await reach(await w.truncate(0), r)
    expect(r.isEmpty()).toBe(true)
  })

  it('vec::clear_then_rebuild — old elements are gone after clear', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3]), r)
    await reach(await w.clear(), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.pushBack(100), r)
    expect(r.values()).toEqual([100])
  })

  it('vec::extend_empty — an empty extend commits nothing and resolves', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.pushBack(1), r)
    expect(await w.extend([])).toBe(w.version())
    await reach(await w.pushBack(2), r)
    expect(r.values()).toEqual([1, 2])
  })

  it('vec::remove_out_of_bounds — a committed no-op', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3]), r)
    await reach(await w.remove(100), r)
    expect(r.values()).toEqual([1, 2, 3])
  })

  it('vec::many_writers_many_readers — two writers, two readers, all agree', async (ctx) => {
    const store = freshStore()
    const [w0, w1] = [writer(ctx, store, 0), writer(ctx, store, 1)]
    const [r0, r1] = [reader(ctx, store, 2), reader(ctx, store, 3)]
    await online(w0, w1, r0, r1)
    await reach(await w0.extend([1, 2, 3]), r0, r1)
    await reach(await w1.extend([4, 5]), r0, r1)
    await reach(await w0.popFront(), r0, r1)
    const v = await w1.pushBack(6)
    await reach(v, r0, r1, w0, w1)
    for (const x of [w0, w1, r0, r1]) expect(x.values()).toEqual([2, 3, 4, 5, 6])
  })

  it('vec::late_writer_catchup — a late writer sees the list, then writes', async (ctx) => {
    const store = freshStore()
    const w0 = writer(ctx, store, 0)
    await online(w0)
    const v = await w0.extend([1, 2, 3, 4, 5])
    const w1 = writer(ctx, store, 1)
    await reach(v, w1)
    expect(w1.len()).toBe(5)
    await reach(await within(10, 'the late writer pushes', w1.pushBack(99)), w0)
    expect([w0.len(), w0.back(), w1.back()]).toEqual([6, 99, 99])
  })

  it('vec::writer_reads_own_writes — string elements', async (ctx) => {
    const w = writer<string>(ctx, freshStore(), 0)
    await online(w)
    await reach(await w.pushBack('hello'), w)
    await reach(await w.pushBack('world'), w)
    expect([w.len(), w.front(), w.back(), w.contains('hello'), w.indexOf('world')]).toEqual([
      2,
      'hello',
      'world',
      true,
      1,
    ])
  })

  it('vec::construct_from_macro — a named declaration (mosaik `collection!`)', async (ctx) => {
    const TestVec = defineVec<string>(`test.vec.macro-${freshStore()}`, fast())
    expect(TestVec.kind).toBe('vec')
    const w = TestVec.writer(net(0))
    const r = TestVec.reader(net(1))
    closing(ctx, w, r)
    await reach(await within(10, 'push through a definition', w.pushBack('hello')), r)
    expect(r.values()).toEqual(['hello'])
  })

  it('vec::construct_from_def — a declaration opens writer and reader', async (ctx) => {
    const Def = defineVec<string>(`test1-${freshStore()}`, fast({ typeName: 'String' }))
    const w = Def.writer(net(0))
    const r = Def.reader(net(1))
    closing(ctx, w, r)
    await reach(await within(10, 'push through a definition', w.pushBack('hello')), w, r)
    expect([w.len(), r.get(0)]).toEqual([1, 'hello'])
  })
})
