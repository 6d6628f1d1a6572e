/**
 * Heap per cell handle: 1,000 distinct cells (1,000 groups of one writer each) on one
 * network, measured after creation and once all are online. (Heap against history length
 * is in the `history` benchmark, which writes the history once for both.)
 */
import { Cell, type CellWriter } from '../../src/collections/index.js'
import { Cluster, type Value } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { heapUsed } from '../lib/heap.js'
import { summarize, within } from '../lib/stats.js'

export const memory: Benchmark = {
  name: 'memory',
  title: 'heap per cell handle',
  async run(ctx) {
    const p = ctx.pick({
      full: { cells: 1000 },
      smoke: { cells: 200 },
    })
    const rows: Row[] = []
    const transport = 'memory' as const

    const host = await Cluster.start({ transport, writers: 0 })
    try {
      const network = host.peers[await host.addPeer()]!.network
      const before = await heapUsed(5)
      const cells: CellWriter<Value>[] = []
      for (let i = 0; i < p.cells; i++)
        cells.push(Cell.writer<Value>(network, `${host.storeId}.${i}`, { consensus: QUICK_START }))
      const created = await heapUsed(3)
      ctx.log(`memory: ${p.cells} cells created`)
      await within(60_000, `${p.cells} lone cells online`, Promise.all(cells.map((c) => c.when.online())))
      const online = await heapUsed(5)
      ctx.log(`memory: ${p.cells} cells online`)
      rows.push({
        case: `per cell handle (${p.cells} cells, created)`,
        transport,
        nodes: 1,
        unit: 'KiB',
        stats: summarize([(created - before) / p.cells / 1024]),
      })
      rows.push({
        case: `per cell handle (${p.cells} cells, online)`,
        transport,
        nodes: 1,
        unit: 'KiB',
        stats: summarize([(online - before) / p.cells / 1024]),
      })
      await Promise.all(cells.map((c) => c.close()))
    } finally {
      await host.stop()
    }
    return { rows, params: { ...p, consensus: QUICK_START } }
  },
}
