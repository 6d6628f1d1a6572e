/**
 * Throughput: committed writes per second with 1, 10 and 100 concurrent writers spread over
 * the group's peers (writer k writes through peer k mod n, each awaiting its write before
 * the next). Each round runs for a fixed time; the table gives median/p99/min/max over
 * rounds. Target: ≥ 20,000 commits/s with 100 writers on 3 peers over the memory transport.
 * In a full run one extra round of that case runs under the CPU profiler: its profile is
 * written next to the results and its busiest stages are printed.
 */
import { join } from 'node:path'
import { Cluster, value } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import type { BenchContext, Benchmark, Row } from '../lib/harness.js'
import { describeStages, hottest, profiled, summarizeProfile } from '../lib/profile.js'
import { now, summarize, yieldToEventLoop } from '../lib/stats.js'

export const TARGET_COMMITS_PER_S = 20_000

/** One round: `writers` loops for `ms` ms; returns commits/s and per-write latencies (ms). */
export async function round(
  cluster: Cluster,
  writers: number,
  ms: number,
): Promise<{ rate: number; latencies: number[]; failed: number }> {
  const latencies: number[] = []
  let failed = 0
  const t0 = now()
  const end = t0 + ms
  const loop = async (k: number) => {
    const w = cluster.writers[k % cluster.writers.length]!
    while (now() < end) {
      const s = now()
      try {
        await w.write(value())
        latencies.push(now() - s)
      } catch {
        failed++
      }
      await yieldToEventLoop()
    }
  }
  await Promise.all(Array.from({ length: writers }, (_, k) => loop(k)))
  const elapsed = now() - t0
  return { rate: (latencies.length / elapsed) * 1000, latencies, failed }
}

export const throughput: Benchmark = {
  name: 'throughput',
  title: 'committed writes per second, concurrent writers',
  async run(ctx: BenchContext) {
    const p = ctx.pick({
      full: { writerCounts: [1, 10, 100], rounds: 3, roundMs: 700, warmupMs: 300, profileMs: 2000 },
      smoke: { writerCounts: [1, 10], rounds: 2, roundMs: 100, warmupMs: 50, profileMs: 0 },
    })
    const rows: Row[] = []
    const notes: string[] = []
    for (const transport of ctx.transports) {
      for (const nodes of ctx.nodes) {
        await ctx.attempt(`throughput ${transport} n=${nodes}`, async () => {
          const cluster = await Cluster.start({ transport, writers: nodes, cell: { consensus: QUICK_START } })
          try {
            for (const writers of p.writerCounts) {
              await round(cluster, writers, p.warmupMs)
              const rates: number[] = []
              const latencies: number[] = []
              let failed = 0
              for (let r = 0; r < p.rounds; r++) {
                const res = await round(cluster, writers, p.roundMs)
                rates.push(res.rate)
                // Not `push(...)`: a round of a group of one holds more samples than a call's arguments may.
                for (const ms of res.latencies) latencies.push(ms)
                failed += res.failed
              }
              const stats = summarize(rates)
              const isTarget = transport === 'memory' && nodes === 3 && writers === 100
              rows.push({
                case: `${writers} writer${writers > 1 ? 's' : ''}`,
                transport,
                nodes,
                unit: 'commits/s',
                stats,
                ...(isTarget && { target: { text: '≥ 20,000 commits/s', pass: stats.median >= TARGET_COMMITS_PER_S } }),
                extra: { writeLatencyMs: summarize(latencies), failed },
              })
              ctx.log(`throughput ${transport} n=${nodes} w=${writers}: ${stats.median.toFixed(0)} commits/s`)
            }
            const profileHere =
              transport === 'memory' && nodes === 3 && (ctx.profile || (ctx.scale === 'full' && p.profileMs > 0))
            if (profileHere) {
              const file = join(ctx.resultsDir, 'throughput.cpuprofile')
              const { result, profile } = await profiled(file, () => round(cluster, 100, p.profileMs))
              const s = summarizeProfile(profile)
              notes.push(
                `CPU profile (memory, 3 peers, 100 writers, ${result.rate.toFixed(0)} commits/s while profiled): ${file}`,
              )
              notes.push(`busiest stages (self time): ${describeStages(s)}`)
              notes.push(`hottest functions: ${hottest(s)}`)
            }
          } finally {
            await cluster.stop()
          }
        })
      }
    }
    return { rows, notes, params: { ...p, consensus: QUICK_START } }
  },
}
