import { describe, expect, it, type TestContext } from 'vitest'
import { defineOnce, Once, type OnceReader, type OnceWriter } from '../../src/collections/once.js'
import type { Network } from '../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach, within } from './collection-harness.js'

// mosaik tests/collections/once.rs, scenario by scenario (each `it` names its Rust test).

const pool = networkPool(4)
const net = (i: number): Network => pool.nets[i] as Network
const writer = <T = number>(ctx: TestContext, store: string, i: number) =>
  closing(ctx, Once.writer<T>(net(i), store, fast()))[0] as OnceWriter<T>
const reader = <T = number>(ctx: TestContext, store: string, i: number) =>
  closing(ctx, Once.reader<T>(net(i), store, fast()))[0] as OnceReader<T>

describe.concurrent('Once (mosaik tests/collections/once.rs)', () => {
  it('once::smoke — the first write wins, later ones commit and change nothing', async (ctx) => {
    const store = freshStore()
    const [w, r] = [writer(ctx, store, 0), reader(ctx, store, 1)]
    await online(w, r)
    expect([r.isEmpty(), r.isNone(), r.isSome(), r.read(), r.get()]).toEqual([true, true, false, undefined, undefined])
    await reach(await w.write(42), r)
    expect([r.isEmpty(), r.isSome(), r.read(), r.get()]).toEqual([false, true, 42, 42])
    const v2 = await w.write(99)
    await reach(v2, r)
    expect(r.read()).toBe(42)
    const v3 = await w.set(123)
    expect(v3).toBeGreaterThan(v2)
    await reach(v3, r)
    expect([r.read(), r.version()]).toEqual([42, v3])
  })

  it('once::catchup_single_reader — a late reader gets the first value only', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    await online(w)
    await w.write(999)
    for (let i = 0; i < 50; i++) await within(5, `write(${i})`, w.write(i))
    const last = await w.write(0)
    const r = reader(ctx, store, 1)
    await reach(last, r)
    expect(r.read()).toBe(999)
  })

  it('once::multiple_readers — three readers converge on the first value', async (ctx) => {
    const store = freshStore()
    const w = writer(ctx, store, 0)
    const rs = [1, 2, 3].map((i) => reader(ctx, store, i))
    await online(w, ...rs)
    await reach(await w.write(42), ...rs)
    for (const r of rs) expect(r.read()).toBe(42)
    await reach(await w.write(100), ...rs)
    for (const r of rs) expect(r.read()).toBe(42)
  })

  it('once::multiple_writers — the first write across writers wins', async (ctx) => {
    const store = freshStore()
    const [w0, w1, r] = [writer(ctx, store, 0), writer(ctx, store, 1), reader(ctx, store, 2)]
    await online(w0, w1, r)
    await reach(await w0.write(10), r)
    expect(r.read()).toBe(10)
    await reach(await w1.write(20), r)
    expect(r.read()).toBe(10)
    const v = await w0.write(30)
    await reach(v, r, w0, w1)
    expect([w0.read(), w1.read(), r.read()]).toEqual([10, 10, 10])
  })

  it('once::writer_reads_own_write — string value', async (ctx) => {
    const w = writer<string>(ctx, freshStore(), 0)
    await online(w)
    await reach(await w.write('hello'), w)
    expect([w.read(), w.isEmpty()]).toEqual(['hello', false])
    await reach(await w.write('world'), w)
    expect(w.read()).toBe('hello')
  })

  it('once::await_value — resolves when the value commits, at once when set', async (ctx) => {
    const store = freshStore()
    const [w, r] = [writer(ctx, store, 0), reader(ctx, store, 1)]
    const waiting = r.awaitValue()
    let settled = false
    void waiting.then(() => {
      settled = true
    })
    await online(w, r)
    expect(settled).toBe(false)
    const v = await w.write(42)
    expect(await within(10, 'the reader awaiting the value', waiting)).toBe(42)
    await reach(v, w)
    expect(await within(1, 'awaitValue on a set register', w.awaitValue())).toBe(42)
  })

  it('once::late_writer_catchup — a late writer sees the value and cannot replace it', async (ctx) => {
    const store = freshStore()
    const w0 = writer(ctx, store, 0)
    await online(w0)
    const v = await w0.write(7)
    const w1 = writer(ctx, store, 1)
    await reach(v, w1)
    expect(w1.read()).toBe(7)
    const v1 = await within(10, 'the late writer writes', w1.write(8))
    await reach(v1, w0)
    expect([w0.read(), w1.read()]).toEqual([7, 7])
  })

  it('once::construct_from_def — a declaration opens writer and reader', async (ctx) => {
    const Def = defineOnce<string>(`test1-${freshStore()}`, fast({ typeName: 'String' }))
    const w = Def.writer(net(0))
    const r = Def.reader(net(1))
    closing(ctx, w, r)
    await reach(await within(10, 'write through a definition', w.write('hello')), w, r)
    expect([w.read(), r.read()]).toEqual(['hello', 'hello'])
  })

  it('once::construct_from_macro — a named declaration (mosaik `collection!`)', async (ctx) => {
    const TestOnce = defineOnce<string>(`test.once.macro-${freshStore()}`, fast())
    expect(TestOnce.kind).toBe('once')
    const w = TestOnce.writer(net(0))
    const r = TestOnce.reader(net(1))
    closing(ctx, w, r)
    await reach(await within(10, 'write through a definition', w.write('hello')), r)
    expect(r.read()).toBe('hello')
  })
})
