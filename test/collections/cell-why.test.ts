/**
 * A cell says why it cannot serve: a reader with no writer anywhere reports `noWriter`
 * within a bounded time (and drops it when a writer appears); a write that cannot commit
 * fails `offline` with a message, `reason` and `details` naming what is missing.
 */
import { describe, expect, it } from 'vitest'
import type { CellReader } from '../../src/collections/types.js'
import { CellError } from '../../src/core/errors.js'
import { FAST, freshStore, testScope, within } from './harness.js'

/** Resolves when `check` holds for the reader's snapshot. */
function snapshotWhere<T>(cell: CellReader<T>, check: (s: ReturnType<CellReader<T>['getSnapshot']>) => boolean) {
  return new Promise<void>((resolve) => {
    if (check(cell.getSnapshot())) return resolve()
    const off = cell.subscribe(() => {
      if (!check(cell.getSnapshot())) return
      off()
      resolve()
    })
  })
}

describe('why a cell cannot serve', () => {
  it('a reader with no writer reachable says so within 3 election timeouts, and stops when a writer comes', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    const store = freshStore()
    // Read before the reader exists: its window starts when it opens, and a machine that
    // pauses this test between the two lines must not make the window look shorter.
    const t0 = performance.now()
    const reader = scope.reader<number>(n0!, store)
    expect(reader.getSnapshot().noWriter).toBe(false)
    await within(
      10,
      'the reader to report no writer reachable',
      snapshotWhere(reader, (s) => s.noWriter === true),
    )
    const waited = performance.now() - t0
    console.log(
      `noWriter reported after ${waited.toFixed(0)} ms (window ${3 * FAST.electionTimeout + FAST.bootstrapDelay} ms)`,
    )
    // Never before its window: a writer still electing is not reported missing.
    expect(waited).toBeGreaterThanOrEqual(3 * FAST.electionTimeout + FAST.bootstrapDelay - 5)
    expect(reader.getSnapshot()).toMatchObject({ online: false, noWriter: true })

    const writer = scope.writer<number>(n1!, store)
    await within(10, 'the writer to come online', writer.when.online())
    await within(
      10,
      'the reader to see a writer',
      snapshotWhere(reader, (s) => s.noWriter === false && s.online),
    )
  })

  it('a writer alone never reports noWriter (it can lead itself)', async (ctx) => {
    const scope = testScope(ctx)
    const [n0] = await scope.networksKnowingEachOther(1)
    const writer = scope.writer<number>(n0!, freshStore())
    await within(10, 'the lone writer to lead', writer.when.online())
    expect(writer.getSnapshot().noWriter).toBe(false)
  })

  it('a strict-mode write without quorum fails offline saying "1 of 3 voters reachable; strict mode needs 2"', async (ctx) => {
    const scope = testScope(ctx)
    const [n0] = await scope.networksKnowingEachOther(1)
    const writer = scope.writer<number>(n0!, freshStore(), { consensus: { minVoters: 3 }, writeTimeout: 800 })
    const err = await writer.write(7).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(CellError)
    const e = err as CellError<number>
    expect(e.kind).toBe('offline')
    expect(e.value).toBe(7)
    expect(e.reason).toBe('no-quorum')
    expect(e.message).toMatch(/^offline: 1 of 3 voters reachable; strict mode needs 2 \(/)
    expect(e.details).toMatchObject({ voters: 1, needed: 2, strict: true, minVoters: 3, leaderReachable: false })
  })

  it('with two of three strict voters up, the write commits; with one left, the error counts what is reachable', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    const store = freshStore()
    const options = { consensus: { minVoters: 3 }, writeTimeout: 3_000 }
    const a = scope.writer<number>(n0!, store, options)
    const b = scope.writer<number>(n1!, store, options)
    await within(15, 'two strict voters to elect a leader', Promise.all([a.when.online(), b.when.online()]))
    await a.write(1)
    await n1!.stop()
    await within(15, 'the survivor to go offline', a.when.offline())
    const e = (await a.write(2).catch((x: unknown) => x)) as CellError<number>
    expect(e.reason).toBe('no-quorum')
    expect(e.message).toContain('1 of 3 voters reachable; strict mode needs 2')
  })
})
