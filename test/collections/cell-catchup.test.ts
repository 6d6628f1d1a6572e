import { describe, expect, it } from 'vitest'
import type { CellWriter } from '../../src/collections/index.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { allOnline, allReach, freshStore, type Scope, testScope, within } from './harness.js'

// mosaik tests/collections/cell.rs, the catch-up scenarios: members that join late get
// the current value by snapshot sync, from new networks that join late too. Each
// scenario has its own networks, so they run concurrently.

/** A writer on the first network of the scope, online. */
async function firstWriter(scope: Scope, store: string) {
  const [net] = await scope.networksKnowingEachOther(1)
  const w = scope.writer<number>(net!, store)
  await allOnline(w)
  return w
}

/** A member on a network that joins now, once it is online and has applied `version`. */
async function lateMember(scope: Scope, role: 'reader' | 'writer', store: string, version: number) {
  const [net] = await scope.networksKnowingEachOther(1)
  const events: TelemetryEvent[] = []
  net!.onTelemetry((e) => events.push(e))
  const cell = role === 'writer' ? scope.writer<number>(net!, store) : scope.reader<number>(net!, store)
  await allOnline(cell)
  await allReach(version, cell)
  return { cell, events }
}

describe.concurrent('Cell: catch-up of late members', () => {
  it('a late reader catches up after 100 overwrites, then follows new writes', async (ctx) => {
    const scope = testScope(ctx)
    const store = freshStore()
    const w = await firstWriter(scope, store)
    for (let i = 0; i < 100; i++) await within(5, `write(${i})`, w.write(i))
    const v = await within(5, 'write(999)', w.write(999))
    await allReach(v, w)

    const { cell: r, events } = await lateMember(scope, 'reader', store, v)
    expect(r.read()).toBe(999)
    // By snapshot (Cell's catchUp), not by replaying history: one item installed at or past
    // `v`, and not one of the 101 writes applied here.
    const installed = events.find((e) => e.type === 'group.sync' && e.phase === 'installed')
    expect(installed).toMatchObject({ items: 1 })
    expect((installed as { position: number }).position).toBeGreaterThanOrEqual(v)
    const applied = events.filter((e) => e.type === 'group.committed' && e.version <= v)
    expect(applied).toEqual([])

    await allReach(await within(5, 'write(1000)', w.write(1000)), r)
    expect(r.read()).toBe(1000)
  })

  it('a reader later than the retained log installs a one-item snapshot instead of replaying', async (ctx) => {
    const scope = testScope(ctx)
    const store = freshStore()
    const w = await firstWriter(scope, store)
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

    const { cell: r, events } = await lateMember(scope, 'reader', store, v)
    expect(r.read()).toBe(latest)
    const installed = events.find((e) => e.type === 'group.sync' && e.phase === 'installed')
    expect(installed).toMatchObject({ items: 1 })
  })

  it('several late readers joining at different times all converge', async (ctx) => {
    const scope = testScope(ctx)
    const store = freshStore()
    const w = await firstWriter(scope, store)
    for (let i = 0; i < 50; i++) await within(5, `write(${i})`, w.write(i))
    const mid = await within(5, 'write(999)', w.write(999))

    const { cell: r1 } = await lateMember(scope, 'reader', store, mid)
    expect(r1.read()).toBe(999)

    for (let i = 50; i < 80; i++) await within(5, `write(${i})`, w.write(i))
    const late = await within(5, 'write(1000)', w.write(1000))

    const { cell: r2 } = await lateMember(scope, 'reader', store, late)
    await allReach(late, r1)
    expect(r1.read()).toBe(1000)
    expect(r2.read()).toBe(1000)
  })

  it('a late writer catches up with the existing value, then writes', async (ctx) => {
    const scope = testScope(ctx)
    const store = freshStore()
    const w0 = await firstWriter(scope, store)
    const v = await within(5, 'write(42)', w0.write(42))
    await allReach(v, w0)

    const { cell: w1 } = await lateMember(scope, 'writer', store, v)
    expect(w1.read()).toBe(42)

    const v1 = await within(5, 'late write(99)', (w1 as CellWriter<number>).write(99))
    await allReach(v1, w0, w1)
    expect(w0.read()).toBe(99)
    expect(w1.read()).toBe(99)
  })

  it('a late reader sees only the latest value after compare-exchanges', async (ctx) => {
    const scope = testScope(ctx)
    const store = freshStore()
    const w = await firstWriter(scope, store)
    let v = await within(5, 'cas(none, 1)', w.compareExchange(undefined, 1))
    v = await within(5, 'cas(1, 2)', w.compareExchange(1, 2))
    v = await within(5, 'cas(2, 3)', w.compareExchange(2, 3))
    await allReach(v, w)

    const { cell: r } = await lateMember(scope, 'reader', store, v)
    expect(r.read()).toBe(3)
  })
})
