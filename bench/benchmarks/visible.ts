/**
 * Write-to-visible latency: from `write()` on the leader's writer until an observer replica
 * (a `Cell.reader` on its own peer) notifies its subscribers with the new value. Beside it,
 * the raw round trip between the leader and the observer's peer. An observer learns of a
 * commit one message after the followers that made it, so its limit is ~1.5 round trips.
 */
import { Cluster, value } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import { type Benchmark, latencyRow, type Row } from '../lib/harness.js'
import { now, summarize, within, yieldToEventLoop } from '../lib/stats.js'

export const visible: Benchmark = {
  name: 'visible',
  title: 'write-to-visible latency on an observer replica',
  async run(ctx) {
    const p = ctx.pick({
      full: { samples: 200, warmup: 30, rawSamples: 200 },
      smoke: { samples: 5, warmup: 2, rawSamples: 10 },
    })
    const rows: Row[] = []
    for (const transport of ctx.transports) {
      for (const nodes of ctx.nodes) {
        await ctx.attempt(`visible ${transport} n=${nodes}`, async () => {
          const cluster = await Cluster.start({
            transport,
            writers: nodes,
            readers: 1,
            cell: { consensus: QUICK_START },
          })
          try {
            const w = cluster.writers[cluster.leaderWriter()]!
            const reader = cluster.readers[0]!
            const raw = summarize(
              await cluster.rawRtt(cluster.peerOfWriter(cluster.leaderWriter()), cluster.peerOfReader(0), p.rawSamples),
            )
            const visibleMs: number[] = []
            const commitMs: number[] = []
            const one = async (record: boolean) => {
              const v = value()
              let unsubscribe = () => {}
              const seen = new Promise<number>((resolve) => {
                unsubscribe = reader.subscribe(() => {
                  if (reader.read()?.n === v.n) resolve(now())
                })
              })
              const t0 = now()
              const committed = w.write(v).then(() => now())
              const [tv, tc] = await within(
                10_000,
                `value ${v.n} visible on the observer`,
                Promise.all([seen, committed]),
              )
              unsubscribe()
              if (record) {
                visibleMs.push(tv - t0)
                commitMs.push(tc - t0)
              }
              await yieldToEventLoop()
            }
            for (let i = 0; i < p.warmup; i++) await one(false)
            for (let i = 0; i < p.samples; i++) await one(true)
            const stats = summarize(visibleMs)
            rows.push(
              latencyRow({
                case: 'observer visible',
                transport,
                nodes: nodes + 1,
                stats,
                raw,
                extra: {
                  writers: nodes,
                  readers: 1,
                  commitMs: summarize(commitMs),
                  connectivity: cluster.connectivity(),
                },
              }),
            )
            ctx.log(
              `visible ${transport} ${nodes}+1: p50 ${stats.median.toFixed(3)} ms (commit ${summarize(commitMs).median.toFixed(3)}, raw ${raw.median.toFixed(3)})`,
            )
          } finally {
            await cluster.stop()
          }
        })
      }
    }
    return { rows, params: { ...p, consensus: QUICK_START } }
  },
}
