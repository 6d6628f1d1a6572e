/**
 * mosaik's snapshot-sync scenarios (tests/collections/sync/*.rs), shared by the four
 * snapshot-synced collections: each `it` is named `sync::<kind>::<rust test>[case]`.
 *
 * Real networks on the memory transport, shared by a file's scenarios (one store id each).
 * The late member (`r2` in mosaik) is a reader opened on a network with no replica of the
 * store yet. Sizes: mosaik's cases are kept, except that one-item-per-command histories
 * past 80 items are written as 80 commands of several items (more log entries than the
 * 64-entry tail a late member may replay), and the 100,000-item cases are capped by the
 * file's `Scale` (the map keeps 100,000 for `frozen`; see MAPPING.md).
 */
import { describe, expect, it, type TestContext } from 'vitest'
import type { TelemetryEvent } from '../../../src/core/telemetry.js'
import type { Network } from '../../../src/network/network.js'
import { closing, freshStore, online, reach, within } from '../collection-harness.js'
import type { Handle, Kind } from './kinds.js'

/** Commands a history of `n` items is written in, at most (one item per command below it). */
const MAX_COMMANDS = 80

export interface Pool {
  readonly nets: Network[]
}

/** How far the 100,000-item cases are scaled down (suite time): `frozen` and `writes_during_sync` sizes. */
export interface Scale {
  readonly frozen: number
  readonly during: number
}

/** Writes items `[from, to)`: one command (`oneshot`), one per item, or at most 80 in order. */
export async function fill<W extends Handle>(
  kind: Kind<W>,
  w: W,
  from: number,
  to: number,
  oneshot: boolean,
): Promise<number> {
  const n = to - from
  if (oneshot) return await within(60, `one extend of ${n} items`, kind.extend(w, from, to))
  let v = w.version()
  if (n <= MAX_COMMANDS) {
    for (let i = from; i < to; i++) v = await within(10, `insert of item ${i}`, kind.insert(w, i))
    return v
  }
  const step = Math.ceil(n / MAX_COMMANDS)
  for (let i = from; i < to; i += step)
    v = await within(10, `extend from ${i}`, kind.extend(w, i, Math.min(to, i + step)))
  return v
}

/** Records the snapshot installs of `handle`'s group on `net`. */
function installs(net: Network): { of(h: Handle): TelemetryEvent[] } {
  const events: TelemetryEvent[] = []
  const off = net.onTelemetry((e) => {
    if (e.type === 'group.sync' && e.phase === 'installed') events.push(e)
  })
  return {
    of: (h) => {
      off()
      return events.filter((e) => 'group' in e && e.group === h.groupId.toString())
    },
  }
}

export function syncScenarios<W extends Handle, R extends Handle>(kind: Kind<W, R>, pool: Pool, scale: Scale): void {
  // A writer reads like a reader: every writer type here extends its reader type.
  const dump = (h: W | R) => kind.dump(h as R)
  const net = (i: number) => pool.nets[i] as Network
  const name = (test: string) => `sync::${kind.name}::${test}`
  const open = (ctx: TestContext, role: 'writer' | 'reader', i: number, store: string, fetchBatchSize?: number) => {
    const sync = fetchBatchSize === undefined ? undefined : { fetchBatchSize }
    const h = role === 'writer' ? kind.writer(net(i), store, sync) : kind.reader(net(i), store, sync)
    closing(ctx, h)
    return h
  }
  /** A writer on network 0 and a reader on network 1, both online. */
  const start = async (ctx: TestContext, batch?: number) => {
    const store = freshStore()
    const w = open(ctx, 'writer', 0, store, batch) as W
    const r1 = open(ctx, 'reader', 1, store, batch) as R
    await online(w, r1)
    return { store, w, r1 }
  }

  // One scenario at a time: several 100,000-item syncs at once only measure the machine's load.
  describe(`${kind.name}: snapshot sync (mosaik tests/collections/sync/${kind.name}.rs)`, () => {
    const frozen: [number, number, boolean][] = [
      [1, 100, false],
      [100, 30, false],
      [1000, 100, false],
      [10_000, 100, false],
      [10_000, 1000, false],
      [100_000, 100, false],
      [100_000, 100, true],
    ]
    for (const [original, batch, oneshot] of frozen) {
      const size = Math.min(original, scale.frozen)
      it(name(`frozen(${original}, ${batch}, ${oneshot})`), async (ctx) => {
        const { store, w, r1 } = await start(ctx, batch)
        const v = await fill(kind, w, 0, size, oneshot)
        await reach(v, w, r1)
        const model = kind.model(0, size)
        expect(kind.dump(r1)).toEqual(model)
        const seen = installs(net(2))
        const r2 = open(ctx, 'reader', 2, store, batch) as R
        await online(r2)
        await reach(v, r2)
        expect(kind.dump(r2)).toEqual(model)
        expect(dump(w)).toEqual(model)
        // Past the log tail a late member may replay, it got the state by snapshot.
        if (size >= 100) expect(seen.of(r2).map((e) => (e as { items?: number }).items)).toContain(size)
      })
    }

    const during: [number, number, number, boolean][] = [
      [100, 50, 100, true],
      [1000, 500, 100, true],
      [100_000, 5000, 100, false],
      [100_000, 5000, 100, true],
      [100_000, 5000, 1000, false],
      [100_000, 5000, 1000, true],
    ]
    for (const [initial, extra, batch, oneshot] of during) {
      it(name(`writes_during_sync(${initial}, ${extra}, ${batch}, ${oneshot})`), async (ctx) => {
        const size = Math.min(initial, scale.during)
        const { store, w, r1 } = await start(ctx, batch)
        await reach(await fill(kind, w, 0, size, oneshot), w, r1)
        const r2 = open(ctx, 'reader', 2, store, batch) as R
        const v = await fill(kind, w, size, size + extra, false)
        await reach(v, w, r1, r2)
        const model = kind.model(0, size + extra)
        for (const h of [w, r1, r2]) expect(dump(h)).toEqual(model)
      })
    }

    it(name('empty'), async (ctx) => {
      const { store, w, r1 } = await start(ctx)
      const r2 = open(ctx, 'reader', 2, store) as R
      await online(r2)
      for (const h of [w, r1, r2]) expect([h.len(), h.isEmpty()]).toEqual([0, true])
    })

    it(name(kind.name === 'map' || kind.name === 'depq' ? 'single_entry' : 'single_element'), async (ctx) => {
      const { store, w, r1 } = await start(ctx)
      const v = await kind.insert(w, 7)
      await reach(v, r1)
      const r2 = open(ctx, 'reader', 2, store) as R
      await reach(v, r2)
      for (const h of [r1, r2]) expect([h.len(), kind.has(h, 7)]).toEqual([1, true])
    })

    it(name('reader_before_writer'), async (ctx) => {
      const store = freshStore()
      const r1 = open(ctx, 'reader', 1, store) as R
      const w = open(ctx, 'writer', 0, store) as W
      await online(w, r1)
      await reach(await kind.extend(w, 0, 100), r1)
      expect(kind.dump(r1)).toEqual(kind.model(0, 100))
    })

    const extreme: [number, number][] = [
      [10, 10_000],
      [100, 100_000],
      [100, 1],
      [1000, 1],
    ]
    for (const [size, batch] of extreme) {
      it(name(`extreme_batch_sizes(${size}, ${batch})`), async (ctx) => {
        const { store, w, r1 } = await start(ctx, batch)
        const v = await fill(kind, w, 0, size, false)
        await reach(v, r1)
        const r2 = open(ctx, 'reader', 2, store, batch) as R
        await reach(v, r2)
        for (const h of [r1, r2]) expect(kind.dump(h)).toEqual(kind.model(0, size))
      })
    }

    it(name('many_readers(5)'), async (ctx) => {
      const store = freshStore()
      const w = open(ctx, 'writer', 0, store) as W
      await online(w)
      const v = await kind.extend(w, 0, 1000)
      const readers = [1, 2, 3, 4, 5].map((i) => open(ctx, 'reader', i, store) as R)
      await reach(v, ...readers)
      for (const r of readers) expect(kind.dump(r)).toEqual(kind.model(0, 1000))
    })

    it(name('incremental_after_convergence'), async (ctx) => {
      const store = freshStore()
      const w = open(ctx, 'writer', 0, store) as W
      const [r1, r2] = [open(ctx, 'reader', 1, store) as R, open(ctx, 'reader', 2, store) as R]
      await online(w, r1, r2)
      await reach(await kind.extend(w, 0, 500), r1, r2)
      expect([r1.len(), r2.len()]).toEqual([500, 500])
      const v = await fill(kind, w, 500, 1000, false)
      await reach(v, r1, r2)
      for (const h of [w, r1, r2]) expect(dump(h)).toEqual(kind.model(0, 1000))
    })

    it(name('concurrent_reads_during_sync'), async (ctx) => {
      const { store, w, r1 } = await start(ctx)
      const size = 10_000
      const v = await kind.extend(w, 0, size)
      await reach(v, r1)
      const r2 = open(ctx, 'reader', 2, store) as R
      let reads = 0
      const broken: string[] = []
      // Every state a subscriber can observe is whole: non-empty means the first item is there.
      const check = () => {
        reads++
        if (r2.len() > 0 && !kind.has(r2, 0)) broken.push(`len ${r2.len()} without item 0`)
        if (r2.getSnapshot().size !== r2.len()) broken.push('snapshot size differs from len()')
      }
      const off = r2.subscribe(check)
      await reach(v, r2)
      off()
      check()
      expect(broken).toEqual([])
      expect(reads).toBeGreaterThan(0)
      expect(r2.len()).toBe(size)
    })

    const extendDuring: [number, number, number][] = [
      [1000, 500, 100],
      [10_000, 5000, 100],
      [10_000, 5000, 1000],
    ]
    for (const [initial, extra, batch] of extendDuring) {
      it(name(`extend_during_snapshot_sync(${initial}, ${extra}, ${batch})`), async (ctx) => {
        const { store, w, r1 } = await start(ctx, batch)
        await reach(await fill(kind, w, 0, initial, false), r1)
        const r2 = open(ctx, 'reader', 2, store, batch) as R
        const v = await kind.extend(w, initial, initial + extra)
        await reach(v, w, r1, r2)
        for (const h of [w, r1, r2]) expect(dump(h)).toEqual(kind.model(0, initial + extra))
      })
    }

    it(name('clear_and_repopulate'), async (ctx) => {
      const { store, w, r1 } = await start(ctx)
      await reach(await kind.extend(w, 0, 500), r1)
      await reach(await kind.clear(w), r1)
      expect([r1.len(), r1.isEmpty()]).toEqual([0, true])
      const v = await kind.extend(w, 0, 200, 7)
      await reach(v, r1)
      const r2 = open(ctx, 'reader', 2, store) as R
      await reach(v, r2)
      for (const h of [w, r1, r2]) expect(dump(h)).toEqual(kind.model(0, 200, 7))
    })

    it(name('recreate_reader'), async (ctx) => {
      const store = freshStore()
      const w = open(ctx, 'writer', 0, store) as W
      await online(w)
      const v1 = await kind.extend(w, 0, 100)
      const first = kind.reader(net(1), store)
      await reach(v1, first)
      expect(first.len()).toBe(100)
      await first.close()
      const v2 = await kind.extend(w, 100, 200)
      const again = open(ctx, 'reader', 1, store) as R
      await reach(v2, again)
      expect(kind.dump(again)).toEqual(kind.model(0, 200))
    })
  })
}
