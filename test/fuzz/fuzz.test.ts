import { describe, expect, it } from 'vitest'
import { KINDS } from './cases.js'
import { fuzz, replayCommand } from './run.js'

// The slice of `npm run fuzz` in every test run: 100,000 structure-aware cases over every
// inbound message type (10 seeds × 10,000), decode + validate + handler in process. Stalls are
// not asserted on the wall clock here (the fuzzer reports CPU time per case); the work
// counters are: CBOR decoding visits at most one item per byte, and the victim's replica,
// sync, mesh and catalog checks hold after every case (see targets.ts).
const SEEDS = 10
const CASES = 10_000

describe('fuzzing every inbound message type', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: ${CASES} cases, no finding`, async () => {
      const run = await fuzz(seed, CASES)
      const replays = run.failures.slice(0, 5).map((f) => `${f.finding}\n  replay: ${replayCommand(seed, f.index)}`)
      expect(replays).toEqual([])
      expect(run.stats.cases).toBe(CASES)
      // Linear decoding: the pre-scan never visits more items than there are bytes.
      expect(run.scanned).toBeLessThanOrEqual(run.stats.bytes)
      // Every path is reached: refusals at each layer and accepted messages.
      expect(run.stats.refusedDecode).toBeGreaterThan(0)
      expect(run.stats.refusedShape).toBeGreaterThan(0)
      expect(run.stats.refusedFrame).toBeGreaterThan(0)
      expect(run.stats.accepted).toBeGreaterThan(0)
    })
  }

  it('covers every kind of message', () => {
    expect(KINDS.length).toBeGreaterThanOrEqual(24)
  })
})
