import { writeHeapSnapshot } from 'node:v8'
import { Cluster } from './lib/cluster.js'
import { QUICK_START } from './lib/config.js'
import { heapUsed } from './lib/heap.js'
import { writeMany } from './lib/load.js'

const base = await heapUsed(3)
const cluster = await Cluster.start({ transport: 'memory', writers: 3, cell: { consensus: QUICK_START } })
let written = 0
const steps = (process.argv[2] ?? '5000,25000').split(',').map(Number)
for (const to of steps) {
  const r = await writeMany(cluster.writers, to - written, 100, performance.now() + 120_000)
  written += r.written
  const h = await heapUsed(3)
  console.log(`${written} writes: heap ${((h - base) / 2 ** 20).toFixed(1)} MiB`)
  if (process.env.READER) {
    const version = Math.max(...cluster.writers.map((w) => w.version()))
    const reader = await cluster.addReader({ countBytes: true })
    await reader.when.reaches(version)
    await cluster.removeLastPeer()
    console.log(`late reader joined and left: heap ${(((await heapUsed(3)) - base) / 2 ** 20).toFixed(1)} MiB`)
  }
  if (process.argv[3]) console.log(writeHeapSnapshot(`${process.argv[3]}-${written}.heapsnapshot`))
}
await cluster.stop()
