/**
 * What persistence costs (not part of `bench/run.ts`; run `npx tsx bench/persist-probe.ts`):
 * write latency of one lone writer with `persist` (append + fsync per Ready) and without,
 * bytes on disk after N writes, and the time from `Network.create` to the persisted value.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cell } from '../src/collections/index.js'
import { UniqueId } from '../src/core/id.js'
import { Network } from '../src/network/network.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }
const total = Number(process.argv[2] ?? 100_000)
const root = mkdtempSync(join(tmpdir(), 'mosaik-persist-probe-'))

function size(dir: string): number {
  let n = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const s = statSync(p)
    n += s.isDirectory() ? size(p) : s.size
  }
  return n
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] as number

async function latency(persist: string | undefined): Promise<number[]> {
  const net = await Network.create({
    network: `probe-${UniqueId.random().short()}`,
    transport: 'memory',
    ...(persist ? { persist } : {}),
  })
  const w = Cell.writer<number>(net, UniqueId.random().toString(), { consensus: FAST })
  await w.when.online()
  const xs: number[] = []
  for (let i = 0; i < 500; i++) {
    const t = performance.now()
    await w.write(i)
    xs.push(performance.now() - t)
  }
  await w.close()
  await net.stop()
  return xs
}

const mem = await latency(undefined)
const disk = await latency(join(root, 'latency'))
console.log(`sequential write latency, memory: median ${median(mem).toFixed(2)} ms, p99 ${p99(mem).toFixed(2)} ms`)
console.log(
  `sequential write latency, persist (fsync): median ${median(disk).toFixed(2)} ms, p99 ${p99(disk).toFixed(2)} ms`,
)

const dir = join(root, 'bytes')
const network = `probe-${UniqueId.random().short()}`
const store = UniqueId.random().toString()
let net = await Network.create({ network, transport: 'memory', persist: dir })
let w = Cell.writer<number>(net, store, { consensus: FAST })
await w.when.online()
const t0 = performance.now()
for (let done = 0; done < total; done += 100)
  await Promise.all(Array.from({ length: 100 }, (_, i) => w.write(done + i)))
const ms = performance.now() - t0
console.log(`${total} writes (100 concurrent) with persist: ${((total / ms) * 1000).toFixed(0)} writes/s`)
await w.close()
await net.stop()
console.log(`bytes on disk after ${total} writes: ${size(dir)}`)

const t1 = performance.now()
net = await Network.create({ network, transport: 'memory', persist: dir })
const created = performance.now() - t1
w = Cell.writer<number>(net, store, { consensus: FAST })
const shown = performance.now() - t1
console.log(
  `reopen: Network.create ${created.toFixed(1)} ms; value ${w.read()} at version ${w.version()} shown ${shown.toFixed(1)} ms after create began (online: ${w.getSnapshot().online})`,
)
await w.close()
await net.stop()
rmSync(root, { recursive: true, force: true })
