import { afterEach, describe, expect, it } from 'vitest'
import { allOnline, allReach, freshStore, Scope, within } from './harness.js'

// mosaik tests/collections/cell.rs, the catch-up scenarios: members that join late get
// the current value by snapshot sync, from new networks that join late too.

let scope = new Scope()
afterEach(async () => {
  await scope.dispose()
  scope = new Scope()
})

/** Snapshot sync telemetry phases seen by `net` for the cell's group. */
function syncPhases(events: { type: string; phase?: string }[]): string[] {
  return events.filter((e) => e.type === 'group.sync').map((e) => e.phase ?? '')
}

describe('Cell: catch-up of late members', () => {
  it('a late reader catches up after 100 overwrites, then follows new writes', async () => {
    const [n0] = await scope.networksKnowingEachOther(1)
    const store = freshStore()
    const w = scope.writer<number>(n0!, store)
    await allOnline(w)
    for (let i = 0; i < 100; i++) await within(5, `write(${i})`, w.write(i))
    const v = await within(5, 'write(999)', w.write(999))
    await allReach(v, w)

    const [n1] = await scope.networksKnowingEachOther(1)
    const events: { type: string; phase?: string }[] = []
    n1!.onTelemetry((e) => events.push(e))
    const r = scope.reader<number>(n1!, store)
    await allOnline(r)
    await allReach(v, r)
    expect(r.read()).toBe(999)

    await allReach(await within(5, 'write(1000)', w.write(1000)), r)
    expect(r.read()).toBe(1000)
  })

  it('a reader later than the retained log installs a one-item snapshot instead of replaying', async () => {
    const [n0] = await scope.networksKnowingEachOther(1)
    const store = freshStore()
    const w = scope.writer<number>(n0!, store)
    await allOnline(w)
    // The group keeps a few hundred entries for slightly late followers; go well past them.
    let v = 0
    for (let round = 0; round < 10; round++) {
      const versions = await within(
        10,
        `writes of round ${round}`,
        Promise.all(Array.from({ length: 100 }, (_, i) => w.write(round * 100 + i))),
      )
      v = Math.max(v, ...versions)
    }
    await allReach(v, w)
    const latest = w.read()

    const [n1] = await scope.networksKnowingEachOther(1)
    const events: { type: string; phase?: string; items?: number }[] = []
    n1!.onTelemetry((e) => events.push(e))
    const r = scope.reader<number>(n1!, store)
    await allOnline(r)
    await allReach(v, r)
    expect(r.read()).toBe(latest)
    expect(syncPhases(events)).toContain('installed')
    expect(events.find((e) => e.type === 'group.sync' && e.phase === 'installed')?.items).toBe(1)
  })

  it('several late readers joining at different times all converge', async () => {
    const [nw] = await scope.networksKnowingEachOther(1)
    const store = freshStore()
    const w = scope.writer<number>(nw!, store)
    await allOnline(w)
    for (let i = 0; i < 50; i++) await within(5, `write(${i})`, w.write(i))
    const mid = await within(5, 'write(999)', w.write(999))

    const [nr1] = await scope.networksKnowingEachOther(1)
    const r1 = scope.reader<number>(nr1!, store)
    await allOnline(r1)
    await allReach(mid, r1)
    expect(r1.read()).toBe(999)

    for (let i = 50; i < 80; i++) await within(5, `write(${i})`, w.write(i))
    const late = await within(5, 'write(1000)', w.write(1000))

    const [nr2] = await scope.networksKnowingEachOther(1)
    const r2 = scope.reader<number>(nr2!, store)
    await allOnline(r2)
    await allReach(late, r2, r1)
    expect(r1.read()).toBe(1000)
    expect(r2.read()).toBe(1000)
  })

  it('a late writer catches up with the existing value, then writes', async () => {
    const [n0] = await scope.networksKnowingEachOther(1)
    const store = freshStore()
    const w0 = scope.writer<number>(n0!, store)
    await allOnline(w0)
    const v = await within(5, 'write(42)', w0.write(42))
    await allReach(v, w0)

    const [n1] = await scope.networksKnowingEachOther(1)
    const w1 = scope.writer<number>(n1!, store)
    await allOnline(w1)
    await allReach(v, w1)
    expect(w1.read()).toBe(42)

    const v1 = await within(5, 'late write(99)', w1.write(99))
    await allReach(v1, w0, w1)
    expect(w0.read()).toBe(99)
    expect(w1.read()).toBe(99)
  })

  it('a late reader sees only the latest value after compare-exchanges', async () => {
    const [n0] = await scope.networksKnowingEachOther(1)
    const store = freshStore()
    const w = scope.writer<number>(n0!, store)
    await allOnline(w)
    let v = await within(5, 'cas(none, 1)', w.compareExchange(undefined, 1))
    v = await within(5, 'cas(1, 2)', w.compareExchange(1, 2))
    v = await within(5, 'cas(2, 3)', w.compareExchange(2, 3))
    await allReach(v, w)

    const [n1] = await scope.networksKnowingEachOther(1)
    const r = scope.reader<number>(n1!, store)
    await allOnline(r)
    await allReach(v, r)
    expect(r.read()).toBe(3)
  })
})
