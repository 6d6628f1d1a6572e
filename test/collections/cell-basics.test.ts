import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineCell } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import type { Network } from '../../src/network/network.js'
import { allOnline, allReach, FAST, freshStore, Scope, smoke, within } from './harness.js'

// mosaik tests/collections/cell.rs: one writer and one reader on two networks.
// The networks are shared; each scenario uses its own store id, so its own group, and
// the scenarios run concurrently (cells are closed with the networks after the file).

const scope = new Scope()
let n0: Network
let n1: Network
const t0 = performance.now()

beforeAll(async () => {
  ;[n0, n1] = (await scope.networksKnowingEachOther(2)) as [Network, Network]
})
afterAll(async () => {
  await scope.dispose()
  console.log(`cell-basics: ${(performance.now() - t0).toFixed(0)} ms`)
})

function pair<T>(store = freshStore()) {
  return { w: scope.writer<T>(n0, store), r: scope.reader<T>(n1, store) }
}

describe.concurrent('Cell: one writer, one reader', () => {
  it('smoke: reads, write, overwrite, set and clear reach a reader without catch-up', async () => {
    const { w, r } = pair<number>()
    await smoke(w, r)
  })

  it('overwriting keeps only the latest value', async () => {
    const { w, r } = pair<number>()
    await allOnline(w, r)
    for (const value of [1, 2, 3]) {
      await allReach(await within(5, `write(${value})`, w.write(value)), r)
      expect(r.read()).toBe(value)
    }
    expect(r.isEmpty()).toBe(false)
  })

  it('clear then write starts fresh', async () => {
    const { w, r } = pair<number>()
    await allOnline(w, r)
    await allReach(await within(5, 'write', w.write(42)), r)
    expect(r.read()).toBe(42)
    await allReach(await within(5, 'clear', w.clear()), r)
    expect(r.isEmpty()).toBe(true)
    await allReach(await within(5, 'write', w.write(100)), r)
    expect(r.read()).toBe(100)
    expect(r.isEmpty()).toBe(false)
  })

  it('clear on an empty cell is a safe no-op that still commits a version', async () => {
    const { w, r } = pair<number>()
    await allOnline(w, r)
    const before = r.version()
    const v = await within(5, 'clear', w.clear())
    expect(v).toBeGreaterThan(before)
    await allReach(v, r)
    expect(r.isEmpty()).toBe(true)
    await allReach(await within(5, 'write', w.write(1)), r)
    expect(r.read()).toBe(1)
  })

  it('notifies subscribers only with a new snapshot, and the snapshot matches the reads', async () => {
    const { w, r } = pair<number>()
    await allOnline(w, r)
    const seen: unknown[] = []
    let prev = r.getSnapshot()
    let stale = 0
    const off = r.subscribe(() => {
      const s = r.getSnapshot()
      if (s === prev) stale++
      prev = s
      seen.push(s)
      expect(s.value).toBe(r.read())
      expect(s.version).toBe(r.version())
    })
    const versions = await within(
      5,
      '20 concurrent writes',
      Promise.all(Array.from({ length: 20 }, (_, i) => w.write(i))),
    )
    await allReach(Math.max(...versions), r)
    off()
    expect(stale).toBe(0)
    expect(seen.length).toBeGreaterThan(0)
    // Batches are notified once each, so never more often than there were writes.
    expect(seen.length).toBeLessThanOrEqual(20)
    expect(r.getSnapshot()).toBe(prev)
    expect(r.getSnapshot()).toMatchObject({ value: r.read(), online: true, role: 'follower' })
    expect(r.getSnapshot().leader).toBe(w.getSnapshot().leader)
  })

  it('a writer and a reader of one cell on one network share one replica', async () => {
    const store = freshStore()
    const w = scope.writer<number>(n0, store)
    const r = scope.reader<number>(n0, store)
    expect(r.groupId.equals(w.groupId)).toBe(true)
    await allReach(await within(5, 'write', w.write(5)), w)
    expect(r.read()).toBe(5)
    expect(r.version()).toBe(w.version())
    await r.close()
    await allReach(await within(5, 'write after the reader closed', w.write(6)), w)
    expect(w.read()).toBe(6)
    expect(n0.groups.members.has(w.groupId.toString())).toBe(true)
  })

  it('a writer opened after a reader on the same network upgrades the shared replica and commits alone', async () => {
    const store = freshStore()
    const r = scope.reader<number>(n0, store)
    const member = n0.groups.members.get(r.groupId.toString())
    expect(member?.preference).toBe('observer')
    const w = scope.writer<number>(n0, store)
    expect(member?.preference).toBe('normal')
    await allReach(await within(5, 'the lone writer commits', w.write(7)), w, r)
    expect(r.read()).toBe(7)
    // The last writer handle closes: the replica observes again and leads no more.
    await w.close()
    expect(member?.preference).toBe('observer')
    await within(5, 'the reader goes offline', r.when.offline())
    expect(r.getSnapshot().role).toBe('follower')
  })

  it('a writer reads its own writes', async () => {
    const w = scope.writer<string>(n0, freshStore())
    // A write issued before the cell is online waits for a leader instead of failing.
    await allReach(await within(5, 'write hello', w.write('hello')), w)
    expect(w.read()).toBe('hello')
    expect(w.isEmpty()).toBe(false)
    await allReach(await within(5, 'write world', w.write('world')), w)
    expect(w.read()).toBe('world')
  })

  it('write/clear cycles replicate every step', async () => {
    const { w, r } = pair<number>()
    await allOnline(w, r)
    for (let i = 0; i < 10; i++) {
      await allReach(await within(5, `write(${i})`, w.write(i)), r)
      expect(r.read()).toBe(i)
      await allReach(await within(5, 'clear', w.clear()), r)
      expect(r.isEmpty()).toBe(true)
    }
    await allReach(await within(5, 'write(999)', w.write(999)), r)
    expect(r.read()).toBe(999)
  })

  it('constructs writer and reader from one defineCell declaration', async () => {
    const Def = defineCell<string>(`test1-${freshStore()}`, { typeName: 'String', consensus: FAST })
    const w = scope.track(Def.writer(n0))
    const r = scope.track(Def.reader(n1))
    await allOnline(w, r)
    const v = await within(5, 'set hello', w.set('hello'))
    await allReach(v, w)
    expect(w.isSome()).toBe(true)
    await allReach(v, r)
    expect(r.isSome()).toBe(true)
    expect(r.get()).toBe('hello')
  })

  it('round-trips string, number, bigint, nested objects, Uint8Array, Map and Date exactly', async () => {
    const { w, r } = pair<unknown>()
    await allOnline(w, r)
    const values: unknown[] = [
      'héllo ✓',
      -0.5,
      Number.MAX_SAFE_INTEGER,
      2n ** 100n,
      -(2n ** 64n),
      { a: { b: [1, 'two', null, { c: true }] }, d: [] },
      new Uint8Array([0, 1, 2, 255]),
      new Map<unknown, unknown>([
        ['k', 1],
        [2, { nested: new Map([['x', 1n]]) }],
      ]),
      new Date(1_700_000_000_123),
      { when: new Date(0), bytes: new Uint8Array([9]), n: 5n },
    ]
    for (const value of values) {
      await allReach(await within(5, 'write', w.write(value)), r)
      expect(r.read()).toEqual(value)
      expect(w.read()).toEqual(value)
      if (value instanceof Uint8Array) expect(r.read()).toBeInstanceOf(Uint8Array)
      if (value instanceof Map) expect(r.read()).toBeInstanceOf(Map)
      if (value instanceof Date) expect(r.read()).toBeInstanceOf(Date)
      if (typeof value === 'bigint') expect(typeof r.read()).toBe('bigint')
    }
  })

  it('a writer and a reader with different type names never meet', async () => {
    const store = freshStore()
    const w = scope.writer<number>(n0, store, { typeName: 'u64' })
    const r = scope.reader<number>(n1, store, { typeName: 'String' })
    expect(w.groupId.equals(r.groupId)).toBe(false)
    // Sync and consensus settings are part of the group id too.
    const other = [
      scope.reader<number>(n1, store, { typeName: 'u64', sync: { fetchBatchSize: 10 } }),
      scope.reader<number>(n1, store, { typeName: 'u64', consensus: { electionTimeout: 401 } }),
    ]
    for (const o of other) expect(o.groupId.equals(w.groupId)).toBe(false)
    await allOnline(w)
    const v = await within(5, 'write', w.write(7))
    await allReach(v, w)
    // The reader's group has no writer, so it never learns a leader or the value.
    // A negative check: one second without the value is enough, on any machine.
    await expect(withTimeout(r.when.reaches(v), 1_000, 'the reader to see the value')).rejects.toThrow(/timed out/)
    expect(r.read()).toBeUndefined()
    expect(r.getSnapshot().leader).toBeUndefined()
  })
})
