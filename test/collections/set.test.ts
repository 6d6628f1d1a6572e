import { describe, expect, it, type TestContext } from 'vitest'
import { defineSet, ReplicatedSet, type SetReader, type SetWriter } from '../../src/collections/set.js'
import type { Network } from '../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach, within } from './collection-harness.js'

// mosaik tests/collections/set.rs, scenario by scenario (each `it` names its Rust test).
// Shared networks, one store id per scenario; a late member is a handle opened after the
// writes on a network without a replica of that store, so it catches up by snapshot.

const pool = networkPool(4)
const net = (i: number): Network => pool.nets[i] as Network
const writer = <T = number>(ctx: TestContext, store: string, i: number) =>
  closing(ctx, ReplicatedSet.writer<T>(net(i), store, fast()))[0] as SetWriter<T>
const reader = <T = number>(ctx: TestContext, store: string, i: number) =>
  closing(ctx, ReplicatedSet.reader<T>(net(i), store, fast()))[0] as SetReader<T>

async function pair(ctx: TestContext) {
  const store = freshStore()
  const w = writer(ctx, store, 0)
  const r = reader(ctx, store, 1)
  await online(w, r)
  return { w, r }
}

const sorted = (s: SetReader<number>) => [...s.values()].sort((a, b) => a - b)

describe.concurrent('ReplicatedSet (mosaik tests/collections/set.rs)', () => {
  it('set::smoke_no_catchup — every read and write, seen by a reader', async (ctx) => {
    const { w, r } = await pair(ctx)
    expect([r.isEmpty(), r.len(), r.contains(1), [...r.values()]]).toEqual([true, 0, false, []])
    await reach(await w.insert(1), r)
    expect([r.len(), r.contains(1), r.contains(2)]).toEqual([1, true, false])
    await reach(await w.insert(2), r)
    await reach(await w.extend([3, 4, 5]), r)
    expect(sorted(r)).toEqual([1, 2, 3, 4, 5])
    await reach(await w.remove(3), r)
    expect([r.len(), r.contains(3)]).toEqual([4, false])
    await reach(await w.clear(), r)
    expect(r.isEmpty()).toBe(true)
  })

  it('set::catchup_single_reader — a late reader gets 103 elements, then follows', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 100; i++) await within(5, `insert(${i})`, w.insert(i))
    const v = await w.extend([100, 101, 102])
    const r = reader(ctx, store, 1)
    await reach(v, r)
    expect(r.len()).toBe(103)
    for (let i = 0; i < 103; i++) expect(r.contains(i)).toBe(true)
    await reach(await w.remove(50), r)
    expect([r.len(), r.contains(50)]).toEqual([102, false])
  })

  it('set::multiple_readers — three readers converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    const rs = [1, 2, 3].map((i) => reader(ctx, store, i))
    await online(w, ...rs)
    await reach(await w.extend([1, 2, 3, 4, 5]), ...rs)
    for (const r of rs) expect(sorted(r)).toEqual([1, 2, 3, 4, 5])
    await reach(await w.insert(6), ...rs)
    await reach(await w.remove(1), ...rs)
    for (const r of rs) expect(sorted(r)).toEqual([2, 3, 4, 5, 6])
  })

  it('set::multiple_writers — two writers and a reader agree', async (ctx) => {
    const store = freshStore()
    const [w0, w1, r] = [writer(ctx, store, 0), writer(ctx, store, 1), reader(ctx, store, 2)]
    await online(w0, w1, r)
    await reach(await w0.insert(1), r)
    await reach(await w1.insert(2), r)
    await reach(await w0.insert(3), r)
    const v = await w1.extend([4, 5])
    await reach(v, r, w0, w1)
    expect(sorted(r)).toEqual([1, 2, 3, 4, 5])
    expect(sorted(w0)).toEqual(sorted(r))
    expect(sorted(w1)).toEqual(sorted(r))
  })

  it('set::catchup_multiple_readers — readers joining at different times converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 50; i++) await w.insert(i)
    const mid = await w.insert(999)
    const r1 = reader(ctx, store, 1)
    await reach(mid, r1)
    expect(r1.len()).toBe(51)
    for (let i = 50; i < 80; i++) await w.insert(i)
    const late = await w.insert(1000)
    const r2 = reader(ctx, store, 2)
    await reach(late, r1, r2)
    expect([r1.len(), r2.len()]).toEqual([82, 82])
    expect(sorted(r1)).toEqual(sorted(r2))
  })

  it('set::insert_duplicate — a duplicate insert leaves one element', async (ctx) => {
    const { w, r } = await pair(ctx)
    for (let i = 0; i < 3; i++) {
      await reach(await w.insert(1), r)
      expect(r.len()).toBe(1)
    }
  })

  it('set::extend_with_duplicates — existing elements are ignored', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3]), r)
    await reach(await w.extend([2, 3, 4, 5]), r)
    expect(sorted(r)).toEqual([1, 2, 3, 4, 5])
  })

  it('set::remove_nonexistent — removing a missing element is a committed no-op', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3]), r)
    await reach(await w.remove(999), r)
    expect(sorted(r)).toEqual([1, 2, 3])
  })

  it('set::clear_then_rebuild — old elements are gone after clear', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3]), r)
    await reach(await w.clear(), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.insert(100), r)
    expect(sorted(r)).toEqual([100])
  })

  it('set::extend_empty — an empty extend commits nothing and resolves', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.insert(1), r)
    expect(await w.extend([])).toBe(w.version())
    await reach(await w.insert(2), r)
    expect(r.len()).toBe(2)
  })

  it('set::subset_check — two converged readers are subsets of each other', async (ctx) => {
    const store = freshStore()
    const [w, r1, r2] = [writer(ctx, store, 0), reader(ctx, store, 1), reader(ctx, store, 2)]
    await online(w, r1, r2)
    await reach(await w.extend([1, 2, 3, 4, 5]), r1, r2)
    expect([r1.isSubset(r2), r2.isSubset(r1)]).toEqual([true, true])
    // The check can fail: a strict superset is not a subset.
    await reach(await w.insert(6), r1)
    const r3 = reader(ctx, freshStore(), 3)
    expect([r3.isSubset(r1), r1.isSubset(r3)]).toEqual([true, false])
  })

  it('set::many_writers_many_readers — two writers, two readers, all agree', async (ctx) => {
    const store = freshStore()
    const [w0, w1] = [writer(ctx, store, 0), writer(ctx, store, 1)]
    const [r0, r1] = [reader(ctx, store, 2), reader(ctx, store, 3)]
    await online(w0, w1, r0, r1)
    await reach(await w0.extend([1, 2, 3]), r0, r1)
    await reach(await w1.extend([4, 5]), r0, r1)
    await reach(await w0.remove(1), r0, r1)
    const v = await w1.insert(6)
    await reach(v, r0, r1, w0, w1)
    for (const s of [w0, w1, r0, r1]) expect(sorted(s)).toEqual([2, 3, 4, 5, 6])
  })

  it('set::late_writer_catchup — a late writer sees the state, then writes', async (ctx) => {
    const store = freshStore()
    const w0 = writer(ctx, store, 0)
    await online(w0)
    const v = await w0.extend([1, 2, 3, 4, 5])
    const w1 = writer(ctx, store, 1)
    await reach(v, w1)
    expect(w1.len()).toBe(5)
    await reach(await within(10, 'the late writer inserts', w1.insert(99)), w0)
    expect([w0.len(), w0.contains(99), w1.contains(99)]).toEqual([6, true, true])
  })

  it('set::writer_reads_own_writes — string elements', async (ctx) => {
    const w = writer<string>(ctx, freshStore(), 0)
    await online(w)
    await reach(await w.insert('hello'), w)
    expect([w.len(), w.contains('hello'), w.contains('missing')]).toEqual([1, true, false])
    await reach(await w.insert('world'), w)
    expect(new Set(w.values())).toEqual(new Set(['hello', 'world']))
  })

  it('set::remove_all_elements — one by one, then re-insert', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3]), r)
    for (const [v, left] of [
      [1, 2],
      [2, 1],
      [3, 0],
    ] as const) {
      await reach(await w.remove(v), r)
      expect(r.len()).toBe(left)
    }
    await reach(await w.insert(4), r)
    expect(sorted(r)).toEqual([4])
  })

  it('set::remove_many — several elements in one command, missing ones ignored', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(await w.extend([1, 2, 3, 4, 5]), r)
    await reach(await w.removeMany([2, 4, 5]), r)
    expect(sorted(r)).toEqual([1, 3])
    await reach(await w.removeMany([1, 99, 100]), r)
    expect(sorted(r)).toEqual([3])
    expect(await w.removeMany([])).toBe(w.version())
    await reach(await w.insert(10), r)
    expect(r.len()).toBe(2)
  })

  it('set::construct_from_def — a declaration opens writer and reader', async (ctx) => {
    const Def = defineSet<string>(`test1-${freshStore()}`, fast({ typeName: 'String' }))
    const w = Def.writer(net(0))
    const r = Def.reader(net(1))
    closing(ctx, w, r)
    const v = await within(10, 'insert through a definition', w.insert('hello'))
    await reach(v, w, r)
    expect([w.len(), r.len(), r.contains('hello')]).toEqual([1, 1, true])
  })

  it('set::construct_from_macro — a named declaration (mosaik `collection!`)', async (ctx) => {
    const TestSet = defineSet<string>(`test.set.macro-${freshStore()}`, fast())
    expect(TestSet.kind).toBe('set')
    const w = TestSet.writer(net(0))
    const r = TestSet.reader(net(1))
    closing(ctx, w, r)
    await reach(await within(10, 'insert through a definition', w.insert('hello')), r)
    expect([r.len(), r.contains('hello')]).toEqual([1, true])
  })
})
