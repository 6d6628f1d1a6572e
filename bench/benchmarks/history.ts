/**
 * What history costs. One group of 3 writers (memory transport) is written to in steps;
 * at each checkpoint the process heap is measured (after full GCs) and, past the first, a late
 * reader joins: time from `Network.create` until it is online at the last version, and the bytes its
 * peer sent and received (memory transport connections after encryption and muxing;
 * discovery traffic included). Targets: catch-up time and bytes independent of history
 * length (a snapshot is fetched, the log is not replayed), heap flat (the log is pruned).
 * Writing is capped by a time budget: if the library is too slow to reach a checkpoint, the
 * last checkpoint is taken where the budget ran out and the table says so.
 */
import { Cluster } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { heapUsed } from '../lib/heap.js'
import { writeMany } from '../lib/load.js'
import { now, summarize, within } from '../lib/stats.js'

const MiB = 2 ** 20
const fmtN = (n: number) => n.toLocaleString('en-US')

export const history: Benchmark = {
  name: 'history',
  title: 'catch-up of a late reader and heap vs history length',
  async run(ctx) {
    const p = ctx.pick({
      full: { heapAt: 1000, catchUpAt: [10_000, 100_000], runs: 3, writeBudgetMs: 120_000 },
      smoke: { heapAt: 100, catchUpAt: [200, 400], runs: 1, writeBudgetMs: 20_000 },
    })
    const transport = 'memory' as const
    const rows: Row[] = []
    const notes: string[] = []
    // Heap figures are the group's: the process heap minus what it held before the group started.
    const baseline = await heapUsed(5)
    const groupHeap = async () => (await heapUsed(5)) - baseline
    const cluster = await Cluster.start({ transport, writers: 3, cell: { consensus: QUICK_START } })
    try {
      const deadline = now() + p.writeBudgetMs
      let written = 0
      const advance = async (to: number) => {
        const t0 = now()
        const r = await writeMany(cluster.writers, to - written, 100, deadline)
        written += r.written
        ctx.log(`history: ${fmtN(written)} writes (${fmtN(r.written)} in ${((now() - t0) / 1000).toFixed(1)} s)`)
        return written
      }
      const heapRow = (at: number, bytes: number): Row => ({
        case: `group heap after ${fmtN(at)} writes`,
        transport,
        nodes: 3,
        unit: 'MiB',
        stats: summarize([bytes / MiB]),
        extra: { baselineMiB: baseline / MiB },
      })
      await advance(p.heapAt)
      const heapSmall = { at: written, bytes: await groupHeap() }
      rows.push(heapRow(heapSmall.at, heapSmall.bytes))
      const points: Array<{ at: number; ms: number; bytes: number; heap: number }> = []
      for (const target of p.catchUpAt) {
        const at = await advance(target)
        if (points.length > 0 && at === points[points.length - 1]!.at) break
        const heap = await groupHeap()
        rows.push(heapRow(at, heap))
        const times: number[] = []
        const bytes: number[] = []
        for (let r = 0; r < p.runs; r++) {
          const version = Math.max(...cluster.writers.map((w) => w.version()))
          const s = now()
          const reader = await cluster.addReader({ countBytes: true })
          await within(60_000, 'the late reader online', reader.when.online())
          await within(60_000, `the late reader at version ${version}`, reader.when.reaches(version))
          times.push(now() - s)
          const count = cluster.peerOfReader(cluster.readers.length - 1).bytes!
          bytes.push(count.sent + count.received)
          await cluster.removeLastPeer()
        }
        const capped = at < target ? ` (budget: ${fmtN(target)} not reached)` : ''
        const time = summarize(times)
        const b = summarize(bytes)
        points.push({ at, ms: time.median, bytes: b.median, heap })
        rows.push({
          case: `catch-up after ${fmtN(at)} writes: time${capped}`,
          transport,
          nodes: 4,
          unit: 'ms',
          stats: time,
        })
        rows.push({
          case: `catch-up after ${fmtN(at)} writes: bytes${capped}`,
          transport,
          nodes: 4,
          unit: 'bytes',
          stats: b,
        })
        ctx.log(`history: catch-up after ${fmtN(at)}: ${time.median.toFixed(0)} ms, ${b.median} bytes`)
        if (at < target) {
          notes.push(
            `writing stopped at ${fmtN(at)} writes: the ${p.writeBudgetMs / 1000} s write budget ran out before ${fmtN(target)}`,
          )
          break
        }
      }
      const first = points[0]
      const last = points[points.length - 1]
      if (first && last && last !== first) {
        const x = `${(last.at / first.at).toFixed(0)}× history`
        const ratioRow = (what: string, r: number, unit: string, limit: number): Row => ({
          case: `${what} ratio at ${x}`,
          transport,
          nodes: 4,
          unit,
          stats: summarize([r]),
          target: { text: `flat (≤ ${limit}×)`, pass: r <= limit },
        })
        rows.push(ratioRow('catch-up bytes', last.bytes / first.bytes, '×', 2))
        rows.push(ratioRow('catch-up time', last.ms / first.ms, '×', 2))
      }
      if (first && last && last !== first) {
        // Past the first checkpoint every bounded buffer (log tail, snapshots) is full: growth
        // from there on is what would eventually run out of memory.
        rows.push(heapGrowthRow(transport, first, last))
      }
      if (last && last.at > heapSmall.at) {
        rows.push(heapGrowthRow(transport, { at: heapSmall.at, heap: heapSmall.bytes }, last))
        notes.push(
          `heap kept per write: ${((last.heap - heapSmall.bytes) / (last.at - heapSmall.at)).toFixed(0)} bytes (3 replicas in this process); process heap before the group: ${(baseline / MiB).toFixed(0)} MiB`,
        )
      }
    } finally {
      await cluster.stop()
    }
    return { rows, notes, params: { ...p, transport, consensus: QUICK_START } }
  },
}

/**
 * Heap a write leaves behind: what three replicas can keep for every write (a log entry kept
 * by one replica costs over 100 bytes) when no buffer is unbounded. A per-write figure,
 * not a ratio: the group heap at the first checkpoint is a fraction of a MiB, within the
 * noise of a measurement after full GCs, so a ratio against it says nothing.
 */
const KEPT_PER_WRITE = 64

/** A row of the group heap's growth per write between two write counts (flat means bounded buffers). */
function heapGrowthRow(
  transport: Row['transport'],
  from: { at: number; heap: number },
  to: { at: number; heap: number },
): Row {
  const perWrite = (to.heap - from.heap) / (to.at - from.at)
  return {
    case: `group heap kept per write ${fmtN(from.at)} → ${fmtN(to.at)} writes`,
    transport,
    nodes: 3,
    unit: 'bytes',
    stats: summarize([perWrite]),
    target: { text: `flat (≤ ${KEPT_PER_WRITE} B per write)`, pass: perWrite <= KEPT_PER_WRITE },
    extra: { ratio: to.heap / from.heap },
  }
}
