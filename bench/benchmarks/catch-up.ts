/**
 * Catch-up: a late reader joins a group of 3 writers after 10,000 and after 100,000 writes.
 * Measured: time from `Network.create` until the reader is online and has applied the last
 * version, and the bytes its peer sent and received on the wire meanwhile (memory transport
 * connections, after encryption and muxing; discovery traffic included). Target: both
 * independent of history length (a snapshot is fetched, the log is not replayed).
 */
import { Cluster } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { writeMany } from '../lib/load.js'
import { now, summarize, within } from '../lib/stats.js'

export const catchUp: Benchmark = {
  name: 'catch-up',
  title: 'late reader catch-up (time, bytes) vs history length',
  async run(ctx) {
    const p = ctx.pick({ full: { histories: [10_000, 100_000], runs: 3 }, smoke: { histories: [100, 1000], runs: 1 } })
    const transport = 'memory' as const
    const rows: Row[] = []
    const notes: string[] = []
    const cluster = await Cluster.start({ transport, writers: 3, cell: { consensus: QUICK_START } })
    try {
      let written = 0
      const perHistory: Array<{ history: number; ms: number; bytes: number }> = []
      for (const history of p.histories) {
        const t0 = now()
        const last = await writeMany(cluster.writers, history - written)
        ctx.log(`catch-up: wrote ${history - written} in ${((now() - t0) / 1000).toFixed(1)} s (version ${last})`)
        written = history
        const times: number[] = []
        const bytes: number[] = []
        for (let r = 0; r < p.runs; r++) {
          const target = Math.max(...cluster.writers.map((w) => w.version()))
          const s = now()
          const reader = await cluster.addReader({ countBytes: true })
          await within(60_000, 'the late reader online', reader.when.online())
          await within(60_000, `the late reader at version ${target}`, reader.when.reaches(target))
          times.push(now() - s)
          const count = cluster.peerOfReader(cluster.readers.length - 1).bytes!
          bytes.push(count.sent + count.received)
          await cluster.removeLastPeer()
        }
        const time = summarize(times)
        const b = summarize(bytes)
        perHistory.push({ history, ms: time.median, bytes: b.median })
        rows.push({
          case: `after ${history.toLocaleString('en-US')} writes: time`,
          transport,
          nodes: 4,
          unit: 'ms',
          stats: time,
        })
        rows.push({
          case: `after ${history.toLocaleString('en-US')} writes: bytes`,
          transport,
          nodes: 4,
          unit: 'bytes',
          stats: b,
        })
        ctx.log(`catch-up after ${history}: ${time.median.toFixed(0)} ms, ${b.median} bytes`)
      }
      const [small, large] = [perHistory[0]!, perHistory[perHistory.length - 1]!]
      const growth = large.bytes / small.bytes
      const timeGrowth = large.ms / small.ms
      rows.push({
        case: `bytes ratio ${large.history / small.history}× history`,
        transport,
        nodes: 4,
        unit: '×',
        stats: summarize([growth]),
        target: { text: 'flat (≤ 2×)', pass: growth <= 2 },
      })
      rows.push({
        case: `time ratio ${large.history / small.history}× history`,
        transport,
        nodes: 4,
        unit: '×',
        stats: summarize([timeGrowth]),
        target: { text: 'flat (≤ 2×)', pass: timeGrowth <= 2 },
      })
      notes.push(
        `bytes grow ${growth.toFixed(2)}× and time ${timeGrowth.toFixed(2)}× for ${large.history / small.history}× the history`,
      )
    } finally {
      await cluster.stop()
    }
    return { rows, notes, params: { ...p, transport, consensus: QUICK_START } }
  },
}
