import { describe, expect, it } from 'vitest'
import { Cell } from '../../src/collections/index.js'
import { NEVER_WAITED } from '../helpers/timings.js'
import { testScope, within } from './harness.js'

// Readers are observers that never stand or vote, so a writer whose only fellow members are
// readers is alone and need not wait out the bootstrap delay or an election timeout. Both are
// ten minutes here (NEVER_WAITED): a first write that commits within the bounded wait proves
// neither was waited out, however loaded the machine. The time taken is printed, not asserted.

const consensus = NEVER_WAITED
/** Bound on the first write, seconds: far below the timings, far above any load. */
const BOUND_S = 20
/** Writers wait as long as the bound for their first commit. */
const writer = { consensus, writeTimeout: BOUND_S * 1000 }

describe('Cell: a lone writer commits its first write without waiting out any timeout', () => {
  it('with no other member', async (ctx) => {
    const scope = testScope(ctx)
    const [n0] = await scope.networksKnowingEachOther(1)
    const t0 = performance.now()
    const w = scope.track(Cell.writer<number>(n0!, 'online-alone', writer))
    await within(BOUND_S, 'the first write', w.write(1))
    const ms = performance.now() - t0
    console.log(`lone writer, no readers: first write committed after ${ms.toFixed(0)} ms`)
  })

  it('with two readers opened at the same time on other networks', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    const store = `online-readers-${scope.networkName}`
    const t0 = performance.now()
    const w = scope.track(Cell.writer<number>(n0!, store, writer))
    const readers = [n1!, n2!].map((n) => scope.track(Cell.reader<number>(n, store, { consensus })))
    const v = await within(BOUND_S, 'the first write', w.write(1))
    const ms = performance.now() - t0
    await within(BOUND_S, 'the readers to apply it', Promise.all(readers.map((r) => r.when.reaches(v))))
    console.log(`lone writer, 2 readers opened with it: first write committed after ${ms.toFixed(0)} ms`)
    expect(readers.map((r) => r.read())).toEqual([1, 1])
  })

  it('after its readers are bonded with each other', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    const store = `online-late-writer-${scope.networkName}`
    const readers = [n1!, n2!].map((n) => scope.track(Cell.reader<number>(n, store, { consensus })))
    const group = n1!.groups.members.get(readers[0]!.groupId.toString())
    await within(
      BOUND_S,
      'the readers to bond',
      waitUntil(() => (group?.getSnapshot().bonds.length ?? 0) > 0, group),
    )
    const t0 = performance.now()
    const w = scope.track(Cell.writer<number>(n0!, store, writer))
    await within(BOUND_S, 'the first write', w.write(1))
    const ms = performance.now() - t0
    console.log(`lone writer joining 2 readers: first write committed after ${ms.toFixed(0)} ms`)
  })

  it('after the previous writer left its readers at a later term', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    const store = `online-next-writer-${scope.networkName}`
    const first = scope.track(Cell.writer<number>(n0!, store, writer))
    const reader = scope.track(Cell.reader<number>(n1!, store, { consensus }))
    await within(
      BOUND_S,
      'the reader to apply a write',
      first.write(1).then((v) => reader.when.reaches(v)),
    )
    await first.close()
    await within(BOUND_S, 'the reader to see the writer go', reader.when.offline())
    const t0 = performance.now()
    const w = scope.track(Cell.writer<number>(n2!, store, writer))
    await within(BOUND_S, 'the first write of the next writer', w.write(2))
    const ms = performance.now() - t0
    console.log(`next lone writer after one left: first write committed after ${ms.toFixed(0)} ms`)
  })
})

/** Resolves once `check()` holds, re-checking on every change of `group`. */
function waitUntil(check: () => boolean, group: { subscribe(l: () => void): () => void } | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve()
    const off = group?.subscribe(() => {
      if (check()) {
        off?.()
        resolve()
      }
    })
  })
}
