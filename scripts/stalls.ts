/**
 * The hostile inputs of issue #12, timed one by one (`npx tsx scripts/stalls.ts`): how long the
 * victim's decode/validate path blocks the event loop for each. Printed, not asserted (tests
 * assert on work counters; the wall clock of a shared machine is not a test).
 */
import { Encoder } from 'cbor-x'
import { decode, encode } from '../src/core/codec.js'
import { encodeFrame, FrameDecoder } from '../src/core/framing.js'
import { UniqueId } from '../src/core/id.js'
import { verifyEntry } from '../src/discovery/entry.js'

const wild = new Encoder({ structuredClone: true })

function bignum(bytes: number): Uint8Array {
  const out = new Uint8Array(6 + bytes)
  out.set([0xc2, 0x5a, (bytes >>> 24) & 0xff, (bytes >>> 16) & 0xff, (bytes >>> 8) & 0xff, bytes & 0xff])
  out.fill(0xff, 6)
  return out
}

function time(what: string, fn: () => unknown): void {
  const t0 = performance.now()
  try {
    fn()
  } catch {
    // refused: that is the point
  }
  console.log(`${what.padEnd(58)} ${(performance.now() - t0).toFixed(2).padStart(8)} ms`)
}

for (const kib of [16, 48, 64, 256]) time(`bignum of ${kib} KiB (tag 2)`, () => decode(bignum(kib * 1024)))
const regexp = wild.encode(/(a+)+$/)
time('regexp (tag 105) /(a+)+$/', () => decode(regexp))
let dag: unknown = [1]
for (let i = 0; i < 30; i++) dag = [dag, dag]
const dagBytes = wild.encode(dag)
time('shared-reference DAG, 30 levels (structured clone)', () => decode(dagBytes))
time('array claiming 2^32 items in 6 bytes', () => decode(Uint8Array.from([0x9a, 0xff, 0xff, 0xff, 0xff, 0])))
const big = encodeFrame(new Uint8Array(2 * 1024 * 1024))
time('2 MiB frame reassembled from 1 KiB chunks', () => {
  const dec = new FrameDecoder()
  for (let i = 0; i < big.length; i += 1024) dec.push(big.subarray(i, i + 1024))
})
const unsigned = Array.from({ length: 40 }, () => encode({ v: 1, body: bignum(16 * 1024), sig: new Uint8Array(0) }))
const policy = {
  network: UniqueId.from('x').toString(),
  maxBytes: 64 * 1024,
  now: Date.now(),
  maxAgeMs: 1e6,
  maxDriftMs: 1e6,
}
const t0 = performance.now()
for (const e of unsigned) await verifyEntry(e, policy)
console.log(
  `${'catalog of 40 unsigned entries with 16 KiB bignums'.padEnd(58)} ${(performance.now() - t0).toFixed(2).padStart(8)} ms`,
)
