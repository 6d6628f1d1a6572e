import { describe, expect, it } from 'vitest'
import { defineMap, type MapOptions } from '../../src/collections/map.js'
import { closing, fast, freshStore, online, reach, within } from './collection-harness.js'
import { mapPool, sorted } from './map-harness.js'

// mosaik tests/collections/map.rs, scenario by scenario (each `it` names its Rust test).
// The four networks are shared by every scenario; each scenario has its own store id.
// A "late" member is a handle opened after the writes, on a network that has no replica
// of that store yet, so it catches up by snapshot exactly as a late network would.

const { net, writer, reader, pair } = mapPool()

describe.concurrent('ReplicatedMap (mosaik tests/collections/map.rs)', () => {
  it('map::smoke_no_catchup — every read and write, seen by a reader', async (ctx) => {
    const { w, r } = await pair(ctx)
    expect(r.isEmpty()).toBe(true)
    expect(r.len()).toBe(0)
    expect(r.get(1)).toBeUndefined()
    expect(r.containsKey(1)).toBe(false)
    expect([...r.entries()]).toEqual([])
    expect([...r.keys()]).toEqual([])
    expect([...r.values()]).toEqual([])

    await reach(await w.insert(1, 10), r)
    expect(r.len()).toBe(1)
    expect(r.isEmpty()).toBe(false)
    expect(r.get(1)).toBe(10)
    expect(r.containsKey(1)).toBe(true)
    expect(r.containsKey(2)).toBe(false)
    await reach(await w.insert(2, 20), r)
    expect(r.len()).toBe(2)
    await reach(await w.insert(1, 100), r)
    expect(r.len()).toBe(2)
    expect(r.get(1)).toBe(100)
    await reach(
      await w.extend([
        [3, 30],
        [4, 40],
        [5, 50],
      ]),
      r,
    )
    expect(r.len()).toBe(5)
    expect(r.containsKey(3)).toBe(true)
    expect(r.containsKey(99)).toBe(false)
    expect(sorted(r)).toEqual([
      [1, 100],
      [2, 20],
      [3, 30],
      [4, 40],
      [5, 50],
    ])
    expect(new Set(r.keys())).toEqual(new Set([1, 2, 3, 4, 5]))
    expect(new Set(r.values())).toEqual(new Set([100, 20, 30, 40, 50]))
    await reach(await w.remove(3), r)
    expect(r.len()).toBe(4)
    expect(r.get(3)).toBeUndefined()
    await reach(await w.clear(), r)
    expect(r.isEmpty()).toBe(true)
  })

  it('map::catchup_single_reader — a late reader gets 103 entries, then follows', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 100; i++) await within(5, `insert(${i})`, w.insert(i, i * 10))
    const v = await w.extend([
      [100, 1000],
      [101, 1010],
      [102, 1020],
    ])
    const r = reader(ctx, store, 1)
    await online(r)
    await reach(v, r)
    expect(r.len()).toBe(103)
    for (let i = 0; i < 100; i++) expect(r.get(i)).toBe(i * 10)
    expect([r.get(100), r.get(101), r.get(102)]).toEqual([1000, 1010, 1020])
    await reach(await w.remove(50), r)
    expect(r.len()).toBe(102)
    expect(r.get(50)).toBeUndefined()
  })

  it('map::multiple_readers — three readers converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    const rs = [1, 2, 3].map((i) => reader(ctx, store, i))
    await online(w, ...rs)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
        [5, 50],
      ]),
      ...rs,
    )
    for (const r of rs) expect([r.len(), r.get(1), r.get(5)]).toEqual([5, 10, 50])
    await reach(await w.insert(6, 60), ...rs)
    for (const r of rs) expect([r.len(), r.get(6)]).toEqual([6, 60])
    await reach(await w.remove(1), ...rs)
    for (const r of rs) expect([r.len(), r.get(1)]).toEqual([5, undefined])
  })

  it('map::multiple_writers — two writers and a reader agree', async (ctx) => {
    const store = freshStore()
    const w0 = writer(ctx, store, 0)
    const w1 = writer(ctx, store, 1)
    const r = reader(ctx, store, 2)
    await online(w0, w1, r)
    await reach(await w0.insert(1, 100), r)
    await reach(await w1.insert(2, 200), r)
    await reach(await w0.insert(3, 300), r)
    expect([r.len(), r.get(1), r.get(2), r.get(3)]).toEqual([3, 100, 200, 300])
    const v = await w1.extend([
      [4, 400],
      [5, 500],
    ])
    await reach(v, r, w0, w1)
    expect(sorted(w0)).toEqual(sorted(r))
    expect(sorted(w1)).toEqual(sorted(r))
    expect(r.len()).toBe(5)
  })

  it('map::catchup_multiple_readers — readers joining at different times converge', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    for (let i = 0; i < 50; i++) await w.insert(i, i * 10)
    const mid = await w.insert(999, 9990)
    const r1 = reader(ctx, store, 1)
    await reach(mid, r1)
    expect([r1.len(), r1.get(999)]).toEqual([51, 9990])
    for (let i = 50; i < 80; i++) await w.insert(i, i * 10)
    const late = await w.insert(1000, 10000)
    const r2 = reader(ctx, store, 2)
    await reach(late, r1, r2)
    expect([r1.len(), r2.len(), r1.get(1000), r2.get(1000)]).toEqual([82, 82, 10000, 10000])
    expect(sorted(r1)).toEqual(sorted(r2))
  })

  it('map::insert_overwrite — one key overwritten stays one entry', async (ctx) => {
    const { w, r } = await pair(ctx)
    for (const value of [10, 99, 200]) {
      await reach(await w.insert(1, value), r)
      expect([r.get(1), r.len()]).toEqual([value, 1])
    }
  })

  it('map::extend_overwrite — extend updates overlapping keys', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
      r,
    )
    expect(r.len()).toBe(3)
    await reach(
      await w.extend([
        [2, 200],
        [3, 300],
        [4, 400],
      ]),
      r,
    )
    expect(sorted(r)).toEqual([
      [1, 10],
      [2, 200],
      [3, 300],
      [4, 400],
    ])
  })

  it('map::remove_nonexistent — removing a missing key is a committed no-op', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
      r,
    )
    await reach(await w.remove(999), r)
    expect(sorted(r)).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ])
  })

  it('map::clear_then_rebuild — old keys are gone after clear', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
      r,
    )
    await reach(await w.clear(), r)
    expect(r.isEmpty()).toBe(true)
    await reach(await w.insert(100, 1000), r)
    expect([r.len(), r.get(100), r.get(1)]).toEqual([1, 1000, undefined])
  })

  it('map::extend_empty — an empty extend commits nothing and resolves', async (ctx) => {
    const { w, r } = await pair(ctx)
    const v = await w.insert(1, 10)
    await reach(v, r)
    expect(await w.extend([])).toBe(w.version())
    expect(r.len()).toBe(1)
    await reach(await w.insert(2, 20), r)
    expect(r.len()).toBe(2)
  })

  it('map::many_writers_many_readers — two writers, two readers, all agree', async (ctx) => {
    const store = freshStore()
    const [w0, w1] = [writer(ctx, store, 0), writer(ctx, store, 1)]
    const [r0, r1] = [reader(ctx, store, 2), reader(ctx, store, 3)]
    await online(w0, w1, r0, r1)
    await reach(
      await w0.extend([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
      r0,
      r1,
    )
    await reach(
      await w1.extend([
        [4, 40],
        [5, 50],
      ]),
      r0,
      r1,
    )
    expect([r0.len(), r1.len()]).toEqual([5, 5])
    await reach(await w0.remove(1), r0, r1)
    const v = await w1.insert(6, 60)
    await reach(v, r0, r1, w0, w1)
    for (const m of [w1, r0, r1]) expect(sorted(m)).toEqual(sorted(w0))
    expect(sorted(w0).map(([k]) => k)).toEqual([2, 3, 4, 5, 6])
  })

  it('map::late_writer_catchup — a late writer sees the state, then writes', async (ctx) => {
    const store = freshStore()
    const w0 = writer(ctx, store, 0)
    await online(w0)
    const v = await w0.extend([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
      [5, 50],
    ])
    const w1 = writer(ctx, store, 1)
    await reach(v, w1)
    expect(w1.len()).toBe(5)
    const v1 = await within(10, 'the late writer inserts', w1.insert(99, 990))
    await reach(v1, w0)
    expect([w0.len(), w0.get(99), w1.get(99)]).toEqual([6, 990, 990])
  })

  it('map::writer_reads_own_writes — string keys and values', async (ctx) => {
    const w = writer<string, string>(ctx, freshStore(), 0)
    await online(w)
    await reach(await w.insert('hello', 'world'), w)
    expect([w.len(), w.get('hello'), w.containsKey('hello'), w.containsKey('missing')]).toEqual([
      1,
      'world',
      true,
      false,
    ])
    await reach(await w.insert('foo', 'bar'), w)
    expect(new Map(w.entries())).toEqual(
      new Map([
        ['hello', 'world'],
        ['foo', 'bar'],
      ]),
    )
    expect(new Set(w.keys())).toEqual(new Set(['hello', 'foo']))
    expect(new Set(w.values())).toEqual(new Set(['world', 'bar']))
  })

  it('map::remove_all_entries — one by one, then re-insert', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
        [3, 30],
      ]),
      r,
    )
    for (const [k, left] of [
      [1, 2],
      [2, 1],
      [3, 0],
    ] as const) {
      await reach(await w.remove(k), r)
      expect(r.len()).toBe(left)
    }
    await reach(await w.insert(4, 40), r)
    expect([r.len(), r.get(4)]).toEqual([1, 40])
  })

  it('map::remove_many — several keys in one command, missing ones ignored', async (ctx) => {
    const { w, r } = await pair(ctx)
    await reach(
      await w.extend([
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
        [5, 50],
      ]),
      r,
    )
    await reach(await w.removeMany([2, 4, 5]), r)
    expect(sorted(r)).toEqual([
      [1, 10],
      [3, 30],
    ])
    await reach(await w.removeMany([1, 99, 100]), r)
    expect(sorted(r)).toEqual([[3, 30]])
    expect(await w.removeMany([])).toBe(w.version())
    expect(r.len()).toBe(1)
    await reach(await w.insert(10, 100), r)
    expect(r.len()).toBe(2)
  })

  it('map::construct_from_def — a declaration opens writer and reader', async (ctx) => {
    const Def = defineMap<string, string>(
      `test1-${freshStore()}`,
      fast<MapOptions<string, string>>({ keyTypeName: 'String', typeName: 'String' }),
    )
    const w = Def.writer(net(0))
    const r = Def.reader(net(1))
    closing(ctx, w, r)
    const v = await within(10, 'insert through a definition', w.insert('hello', 'world'))
    await reach(v, w, r)
    expect([w.len(), r.len(), r.get('hello')]).toEqual([1, 1, 'world'])
  })

  it('map::construct_from_macro — a named declaration (mosaik `collection!`)', async (ctx) => {
    const TestMap = defineMap<string, string>(`test.map.macro-${freshStore()}`, fast())
    expect(TestMap.kind).toBe('map')
    const w = TestMap.writer(net(0))
    const r = TestMap.reader(net(1))
    closing(ctx, w, r)
    const v = await within(10, 'insert through a definition', w.insert('hello', 'world'))
    await reach(v, r)
    expect([r.len(), r.get('hello')]).toEqual([1, 'world'])
  })
})
