/**
 * Time to online with default consensus timings: a lone writer (its own network and cell,
 * no other member anywhere), and a writer joining an existing, online group of 3. Each is
 * timed from `Network.create` (peer start, bootstrap dial, discovery) and from `Cell.writer`
 * on an already started peer, until `when.online()` resolves. Target: ≤ 1 s for both. Also
 * timed once per transport: forming the group of 3 the join is measured against.
 */
import { Cluster } from '../lib/cluster.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { now, summarize, within } from '../lib/stats.js'
import type { BenchTransport } from '../lib/transports.js'

const TARGET_MS = 1000

async function timeToOnline(cluster: Cluster): Promise<{ total: number; cell: number }> {
  const t0 = now()
  const p = await cluster.addPeer()
  const t1 = now()
  const w = cluster.attachWriter(p)
  await within(30_000, 'the new writer online', w.when.online())
  const t2 = now()
  return { total: t2 - t0, cell: t2 - t1 }
}

function rowsOf(
  name: string,
  transport: BenchTransport,
  nodes: number,
  runs: Array<{ total: number; cell: number }>,
): Row[] {
  return [
    ['network + cell', runs.map((r) => r.total)],
    ['cell only', runs.map((r) => r.cell)],
  ].map(([what, xs]) => {
    const stats = summarize(xs as number[])
    return {
      case: `${name}: ${what}`,
      transport,
      nodes,
      unit: 'ms',
      stats,
      target: { text: '≤ 1 s', pass: stats.median <= TARGET_MS },
    }
  })
}

export const online: Benchmark = {
  name: 'online',
  title: 'time to online (default timings)',
  async run(ctx) {
    const p = ctx.pick({ full: { runs: 5 }, smoke: { runs: 1 } })
    const rows: Row[] = []
    for (const transport of ctx.transports) {
      await ctx.attempt(`online ${transport}`, async () => {
        const lone: Array<{ total: number; cell: number }> = []
        for (let i = 0; i < p.runs; i++) {
          const c = await Cluster.start({ transport, writers: 0 })
          try {
            lone.push(await timeToOnline(c))
          } finally {
            await c.stop()
          }
        }
        rows.push(...rowsOf('lone writer', transport, 1, lone))
        ctx.log(`online ${transport} lone: ${summarize(lone.map((r) => r.total)).median.toFixed(0)} ms`)

        // Forming the group: the first writer elects itself, then two more join it, one after
        // another; from the first Network.create until all three agree on the leader.
        const f0 = now()
        const group = await Cluster.start({ transport, writers: 3 })
        const formed = now() - f0
        try {
          rows.push({
            case: 'group of 3 forms (first alone, 2 join)',
            transport,
            nodes: 3,
            unit: 'ms',
            stats: summarize([formed]),
            target: { text: '≤ 1 s per member', pass: formed <= 3000 },
          })
          const joins: Array<{ total: number; cell: number }> = []
          for (let i = 0; i < p.runs; i++) {
            joins.push(await timeToOnline(group))
            await group.removeLastPeer()
          }
          rows.push(...rowsOf('join group of 3', transport, 4, joins))
          ctx.log(`online ${transport} join 3: ${summarize(joins.map((r) => r.total)).median.toFixed(0)} ms`)
        } finally {
          await group.stop()
        }
      })
    }
    return { rows, params: { ...p, consensus: 'defaults' } }
  },
}
