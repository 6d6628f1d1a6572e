/**
 * Raw libp2p stream round trip on each transport between two bare libp2p nodes in this
 * process: the physical limit every other latency is compared to. (Benchmarks on a cluster
 * also measure it on their own connections; this one needs nothing of ours.)
 */
import type { Libp2p } from '@libp2p/interface'
import type { Benchmark, Row } from '../lib/harness.js'
import { measureRtt, serveEcho } from '../lib/rtt.js'
import { summarize } from '../lib/stats.js'
import { connectDirect, dialRelay, rawNode, rawRelay } from '../lib/transports.js'

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
      const started: Libp2p[] = []
      try {
        let relay: Libp2p | undefined
        if (transport === 'webrtc') {
          relay = await rawRelay()
          started.push(relay)
        }
        const a = await rawNode(transport)
        const b = await rawNode(transport)
        started.push(a, b)
        if (relay) await Promise.all([dialRelay(a, relay), dialRelay(b, relay)])
        await serveEcho(b)
        const conn = await connectDirect(a, b, transport)
        for (const bytes of p.sizes) {
          const samples = await measureRtt(conn, { samples: p.samples, warmup: p.warmup, bytes })
          rows.push({
            case: `echo ${bytes} B`,
            transport,
            nodes: 2,
            unit: 'ms',
            stats: summarize(samples),
            extra: { remoteAddr: conn.remoteAddr.toString() },
          })
          ctx.log(`raw-rtt ${transport} ${bytes} B: median ${summarize(samples).median.toFixed(3)} ms`)
        }
      } finally {
        await Promise.allSettled(started.map((n) => n.stop()))
      }
    }
    return { rows, params: p }
  },
}
