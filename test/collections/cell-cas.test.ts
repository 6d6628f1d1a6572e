import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CellReader } from '../../src/collections/index.js'
import type { Network } from '../../src/network/network.js'
import { allOnline, allReach, freshStore, Scope, within } from './harness.js'

// mosaik tests/collections/cell.rs, the compare_exchange_* scenarios (catch-up is in
// cell-catchup.test.ts). Shared networks, one store id (so one group) per scenario, run
// concurrently.

const scope = new Scope()
let nw: Network
let nr1: Network
let nr2: Network
const t0 = performance.now()

beforeAll(async () => {
  ;[nw, nr1, nr2] = (await scope.networksKnowingEachOther(3)) as [Network, Network, Network]
})
afterAll(async () => {
  await scope.dispose()
  console.log(`cell-cas: ${(performance.now() - t0).toFixed(0)} ms`)
})

async function pair() {
  const store = freshStore()
  const w = scope.writer<number>(nw, store)
  const r = scope.reader<number>(nr1, store)
  await allOnline(w, r)
  return { w, r }
}

/** Runs one operation, waits for the reader to apply it, returns the version. */
async function step(r: CellReader<number>, what: string, op: Promise<number>): Promise<number> {
  const v = await within(5, what, op)
  await allReach(v, r)
  return v
}

describe.concurrent('Cell: compare-exchange', () => {
  it('swaps when the current value matches', async () => {
    const { w, r } = await pair()
    await step(r, 'write(42)', w.write(42))
    expect(r.read()).toBe(42)
    await step(r, 'cas(42, 99)', w.compareExchange(42, 99))
    expect(r.read()).toBe(99)
  })

  it('swaps from empty (none to some)', async () => {
    const { w, r } = await pair()
    expect(r.isEmpty()).toBe(true)
    await step(r, 'cas(none, 10)', w.compareExchange(undefined, 10))
    expect(r.read()).toBe(10)
  })

  it('swaps to empty (some to none), a conditional clear', async () => {
    const { w, r } = await pair()
    await step(r, 'write(42)', w.write(42))
    await step(r, 'cas(42, none)', w.compareExchange(42, undefined))
    expect(r.isEmpty()).toBe(true)
  })

  it('a mismatch commits a new version and leaves the value', async () => {
    const { w, r } = await pair()
    const v0 = await step(r, 'write(42)', w.write(42))
    const v1 = await step(r, 'cas(100, 200)', w.compareExchange(100, 200))
    expect(v1).toBeGreaterThan(v0)
    expect(r.read()).toBe(42)
    await step(r, 'cas(none, 300)', w.compareExchange(undefined, 300))
    expect(r.read()).toBe(42)
  })

  it('a mismatch on an empty cell leaves it empty', async () => {
    const { w, r } = await pair()
    expect(r.isEmpty()).toBe(true)
    await step(r, 'cas(42, 99)', w.compareExchange(42, 99))
    expect(r.isEmpty()).toBe(true)
  })

  it('replicates to several readers', async () => {
    const store = freshStore()
    const w = scope.writer<number>(nw, store)
    const r1 = scope.reader<number>(nr1, store)
    const r2 = scope.reader<number>(nr2, store)
    await allOnline(w, r1, r2)
    await allReach(await within(5, 'write(1)', w.write(1)), r1, r2)
    await allReach(await within(5, 'cas(1, 2)', w.compareExchange(1, 2)), r1, r2)
    expect(r1.read()).toBe(2)
    expect(r2.read()).toBe(2)
  })

  it('chains none → 1 → 2 → 3 → none', async () => {
    const { w, r } = await pair()
    await step(r, 'cas(none, 1)', w.compareExchange(undefined, 1))
    expect(r.read()).toBe(1)
    await step(r, 'cas(1, 2)', w.compareExchange(1, 2))
    expect(r.read()).toBe(2)
    await step(r, 'cas(2, 3)', w.compareExchange(2, 3))
    expect(r.read()).toBe(3)
    await step(r, 'cas(3, none)', w.compareExchange(3, undefined))
    expect(r.isEmpty()).toBe(true)
  })

  it('interleaves with write and clear', async () => {
    const { w, r } = await pair()
    await step(r, 'write(10)', w.write(10))
    expect(r.read()).toBe(10)
    await step(r, 'cas(10, 20)', w.compareExchange(10, 20))
    expect(r.read()).toBe(20)
    await step(r, 'clear', w.clear())
    expect(r.isEmpty()).toBe(true)
    await step(r, 'cas(none, 30)', w.compareExchange(undefined, 30))
    expect(r.read()).toBe(30)
    await step(r, 'write(40)', w.write(40))
    expect(r.read()).toBe(40)
  })

  it('none to none on an empty cell is a no-op', async () => {
    const { w, r } = await pair()
    await step(r, 'cas(none, none)', w.compareExchange(undefined, undefined))
    expect(r.isEmpty()).toBe(true)
    await step(r, 'write(1)', w.write(1))
    expect(r.read()).toBe(1)
  })

  it('compares encoded values, so objects match whatever their key order', async () => {
    const store = freshStore()
    const w = scope.writer<Record<string, unknown>>(nw, store)
    const r = scope.reader<Record<string, unknown>>(nr1, store)
    await allOnline(w, r)
    await allReach(await within(5, 'write', w.write({ a: 1, b: [2n, 'x'] })), r)
    await allReach(await within(5, 'cas', w.compareExchange({ b: [2n, 'x'], a: 1 }, { ok: true })), r)
    expect(r.read()).toEqual({ ok: true })
  })
})
