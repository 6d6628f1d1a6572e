/**
 * Commit latency with one Node process per peer (TCP on 127.0.0.1, 3 peers): the same loops
 * as `commit-latency`, but the followers' work runs beside the leader's instead of after it
 * on one thread, as it does between machines. Raw column: the leader↔follower stream round
 * trip between the two processes; fan-out: the leader echoing with both followers at once.
 * Also the CPU time all processes spend per commit. Runs on TCP whatever `--transports` says
 * (the in-memory transport does not cross processes); `--nodes` does not apply either.
 */

import { value } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import { type Benchmark, latencyRow, type Row } from '../lib/harness.js'
import { ProcessCluster } from '../lib/process-cluster.js'
import { type Summary, summarize, timeEach, timeTight } from '../lib/stats.js'
import { commitTarget } from './commit-latency.js'

const NODES = 3

export const commitProcesses: Benchmark = {
  name: 'commit-processes',
  title: 'commit latency of write, one process per peer (tcp, 3 peers)',
  async run(ctx) {
    const p = ctx.pick({
      // A fresh process needs thousands of commits before its JIT settles (p50 1.1 → 0.3 ms
      // over the first 4,000 in a probe), so each case warms up far longer than in-process.
      full: { samples: 1000, warmup: 4000, rawSamples: 1000, rawWarmup: 1000 },
      smoke: { samples: 10, warmup: 3, rawSamples: 10, rawWarmup: 3 },
    })
    const rows: Row[] = []
    await ctx.attempt(`commit-processes tcp n=${NODES}`, async () => {
      const cluster = await ProcessCluster.start(NODES, { consensus: QUICK_START })
      try {
        const follower = cluster.children[0]
        const writer = cluster.writer
        if (!follower || !writer) throw new Error('the cluster has no follower or no writer')
        const raw = summarize(await cluster.rawRtt(follower, p.rawSamples, p.rawWarmup))
        const fanOut = summarize(await cluster.rawFanOutRtt(p.rawSamples, p.rawWarmup))
        const cases = [
          { name: 'leader-local writer', style: 'yielding', follower: false },
          { name: 'leader-local writer, tight loop', style: 'tight', follower: false },
          { name: 'follower writer', style: 'yielding', follower: true },
          { name: 'follower writer, tight loop', style: 'tight', follower: true },
        ] as const
        for (const c of cases) {
          const loop = (n: number): Promise<number[]> =>
            c.follower
              ? follower.request<number[]>({ op: 'loop', style: c.style, n })
              : (c.style === 'tight' ? timeTight : timeEach)(n, () => writer.write(value()))
          await loop(p.warmup)
          const cpu0 = await cluster.cpu()
          const stats: Summary = summarize(await loop(p.samples))
          const cpuPerCommit = ((await cluster.cpu()) - cpu0) / p.samples
          rows.push(
            latencyRow({
              case: `${c.name}, one process per peer`,
              transport: 'tcp',
              nodes: NODES,
              stats,
              raw,
              fanOut,
              target: commitTarget('tcp', c.follower, stats.median, raw),
              extra: { cpuMsPerCommit: cpuPerCommit, rawFrom: 'leader↔follower, two processes' },
            }),
          )
          ctx.log(
            `commit-processes ${c.name}: p50 ${stats.median.toFixed(3)} ms (raw ${raw.median.toFixed(3)}), cpu ${cpuPerCommit.toFixed(3)} ms/commit`,
          )
        }
      } finally {
        await cluster.stop()
      }
    })
    return { rows, params: { ...p, nodes: NODES, transport: 'tcp', consensus: QUICK_START } }
  },
}
