/**
 * Memory. (1) Heap of a process holding a group of 3 writers (all in this process) after
 * 1,000 and after 100,000 writes of a small value: log pruning should keep it flat.
 * (2) Heap per cell handle: 1,000 distinct cells (1,000 groups of one writer) on one network.
 */
import { Cell, type CellWriter } from '../../src/collections/index.js'
import { Cluster, type Value } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { heapUsed } from '../lib/heap.js'
import { writeMany } from '../lib/load.js'
import { summarize, within } from '../lib/stats.js'

const MiB = 2 ** 20

export const memory: Benchmark = {
  name: 'memory',
  title: 'heap vs history length; heap per cell handle',
  async run(ctx) {
    const p = ctx.pick({
      full: { small: 1000, large: 100_000, cells: 1000 },
      smoke: { small: 100, large: 1000, cells: 20 },
    })
    const rows: Row[] = []
    const notes: string[] = []
    const transport = 'memory' as const

    const cluster = await Cluster.start({ transport, writers: 3, cell: { consensus: QUICK_START } })
    try {
      await writeMany(cluster.writers, p.small)
      const small = await heapUsed(5)
      await writeMany(cluster.writers, p.large - p.small)
      const large = await heapUsed(5)
      const growth = large / small
      rows.push({
        case: `heap after ${p.small.toLocaleString('en-US')} writes`,
        transport,
        nodes: 3,
        unit: 'MiB',
        stats: summarize([small / MiB]),
      })
      rows.push({
        case: `heap after ${p.large.toLocaleString('en-US')} writes`,
        transport,
        nodes: 3,
        unit: 'MiB',
        stats: summarize([large / MiB]),
      })
      rows.push({
        case: `heap growth ${p.large / p.small}× writes`,
        transport,
        nodes: 3,
        unit: '×',
        stats: summarize([growth]),
        target: { text: 'flat (≤ 1.25×)', pass: growth <= 1.25 },
        extra: { bytesPerWrite: (large - small) / (p.large - p.small) },
      })
      notes.push(
        `${((large - small) / (p.large - p.small)).toFixed(0)} bytes of heap kept per write (3 replicas in this process)`,
      )
    } finally {
      await cluster.stop()
    }

    const host = await Cluster.start({ transport, writers: 0 })
    try {
      const network = host.peers[await host.addPeer()]!.network
      const before = await heapUsed(5)
      const cells: CellWriter<Value>[] = []
      for (let i = 0; i < p.cells; i++)
        cells.push(Cell.writer<Value>(network, `${host.storeId}.${i}`, { consensus: QUICK_START }))
      const created = await heapUsed(3)
      await within(60_000, `${p.cells} lone cells online`, Promise.all(cells.map((c) => c.when.online())))
      const online = await heapUsed(5)
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
    return { rows, notes, params: { ...p, consensus: QUICK_START } }
  },
}
