/**
 * Raw libp2p stream round trip on each transport between two bare libp2p nodes in this
 * process: the physical limit every other latency is compared to. (Benchmarks on a cluster
 * also measure it on their own connections; this one needs nothing of ours.)
 */
import { measureBareRttRetrying } from '../lib/baseline.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { summarize } from '../lib/stats.js'

export const rawRtt: Benchmark = {
  name: 'raw-rtt',
  title: 'raw libp2p stream round trip (the physical limit)',
  async run(ctx) {
    const p = ctx.pick({
      full: { samples: 1000, warmup: 100, sizes: [64, 4096] },
      smoke: { samples: 20, warmup: 5, sizes: [64] },
    })
    const rows: Row[] = []
    for (const transport of ctx.transports) {
      await ctx.attempt(`raw-rtt ${transport}`, async () => {
        const r = await measureBareRttRetrying(transport, p, ctx.log)
        for (const [bytes, samples] of r.bySize) {
          const stats = summarize(samples)
          rows.push({
            case: `echo ${bytes} B`,
            transport,
            nodes: 2,
            unit: 'ms',
            stats,
            extra: { remoteAddr: r.remoteAddr },
          })
          ctx.log(`raw-rtt ${transport} ${bytes} B: median ${stats.median.toFixed(3)} ms`)
        }
      })
    }
    return { rows, params: p }
  },
}
