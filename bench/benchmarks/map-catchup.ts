/**
 * A late reader of a large `ReplicatedMap` (issue #14): a writer fills a map of N keys in
 * extends of 5,000 and, for the long history, overwrites every key twice more (3× the log
 * entries for the same state). A reader then joins on a new peer: time from opening it to
 * its replica at the writer's version, and the bytes its peer sent and received (memory
 * transport, after encryption and muxing). Target: time and bytes follow the state, not
 * the history (a snapshot in `fetchBatchSize` batches, never the log), so the long-history
 * figures stay within 1.5× of the short-history ones.
 */
import { type MapWriter, ReplicatedMap } from '../../src/collections/index.js'
import { Cluster } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { now, summarize, within } from '../lib/stats.js'

const CHUNK = 5_000
const fmtN = (n: number) => n.toLocaleString('en-US')

async function fill(w: MapWriter<number, number>, keys: number, round: number): Promise<number> {
  let v = 0
  for (let start = 0; start < keys; start += CHUNK) {
    const entries: [number, number][] = []
    for (let k = start; k < Math.min(keys, start + CHUNK); k++) entries.push([k, k * 10 + round])
    v = await within(60_000, `extend of keys ${start}..`, w.extend(entries))
  }
  return v
}

export const mapCatchup: Benchmark = {
  name: 'map-catchup',
  title: 'late reader of a 100,000-key map: time and bytes vs history',
  async run(ctx) {
    const p = ctx.pick({ full: { keys: 100_000, runs: 3 }, smoke: { keys: 2_000, runs: 1 } })
    const transport = 'memory' as const
    const rows: Row[] = []
    const options = { consensus: QUICK_START, keyTypeName: 'u64', typeName: 'u64' }
    const points: { rounds: number; ms: number; bytes: number }[] = []
    for (const rounds of [1, 3]) {
      const cluster = await Cluster.start({ transport, writers: 0 })
      try {
        const store = `${cluster.storeId}.map.${rounds}`
        const w = ReplicatedMap.writer<number, number>(cluster.peers[await cluster.addPeer()]!.network, store, options)
        await within(30_000, 'the map writer online', w.when.online())
        let version = 0
        for (let round = 0; round < rounds; round++) version = await fill(w, p.keys, round)
        ctx.log(`map-catchup: ${fmtN(p.keys)} keys, ${rounds} round(s) of writes, version ${version}`)
        const times: number[] = []
        const bytes: number[] = []
        for (let r = 0; r < p.runs; r++) {
          const peer = cluster.peers[await cluster.addPeer({ countBytes: true })]!
          const before = peer.bytes!.sent + peer.bytes!.received
          const s = now()
          const reader = ReplicatedMap.reader<number, number>(peer.network, store, options)
          await within(120_000, `the late reader at version ${version}`, reader.when.reaches(version))
          times.push(now() - s)
          bytes.push(peer.bytes!.sent + peer.bytes!.received - before)
          if (reader.len() !== p.keys || reader.get(p.keys - 1) !== (p.keys - 1) * 10 + rounds - 1)
            throw new Error(`the late reader holds ${reader.len()} keys, not the writer's ${p.keys}`)
          await reader.close()
          await cluster.removeLastPeer()
        }
        const time = summarize(times)
        const b = summarize(bytes)
        points.push({ rounds, ms: time.median, bytes: b.median })
        const label = `${fmtN(p.keys)} keys, ${fmtN(rounds * p.keys)} entries of history`
        rows.push({ case: `catch-up time (${label})`, transport, nodes: 2, unit: 'ms', stats: time })
        rows.push({ case: `catch-up bytes (${label})`, transport, nodes: 2, unit: 'bytes', stats: b })
        rows.push({
          case: `catch-up bytes per key (${label})`,
          transport,
          nodes: 2,
          unit: 'B/key',
          stats: summarize(bytes.map((x) => x / p.keys)),
        })
        ctx.log(`map-catchup: ${label}: ${time.median.toFixed(0)} ms, ${fmtN(b.median)} bytes`)
        await w.close()
      } finally {
        await cluster.stop()
      }
    }
    const [short, long] = points
    if (short && long) {
      const ratio = (what: string, r: number): Row => ({
        case: `${what} ratio at 3× history, same state`,
        transport,
        nodes: 2,
        unit: '×',
        stats: summarize([r]),
        target: { text: 'flat (≤ 1.5×)', pass: r <= 1.5 },
      })
      rows.push(ratio('catch-up bytes', long.bytes / short.bytes))
      rows.push(ratio('catch-up time', long.ms / short.ms))
    }
    return { rows, params: { ...p, transport, chunk: CHUNK, consensus: QUICK_START } }
  },
}
