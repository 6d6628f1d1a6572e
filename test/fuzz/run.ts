import { fuzzCase } from './cases.js'
import { type FuzzStats, newStats, scannedItems, signedEntries, Victim } from './targets.js'

/** Per-case CPU budget (issue #12: no stall over 50 ms per hostile message). */
export const STALL_MS = 50

export interface FuzzRun {
  readonly seed: number
  readonly stats: FuzzStats
  readonly ms: number
  /** Items the CBOR pre-scan visited: never more than the bytes given (linear decoding). */
  readonly scanned: number
  readonly heapGrowthBytes: number
  /** Case indices that found something, with what (replay: `npm run fuzz -- --seed S --case I`). */
  readonly failures: { index: number; finding: string }[]
  /** Cases over the stall budget: index, kind, ms (GC pauses and first-call warm-up show up here too). */
  readonly slow: { index: number; kind: string; ms: number }[]
}

/** Runs cases `[from, from + count)` of `seed` against a fresh victim. */
export async function fuzz(
  seed: number,
  count: number,
  from = 0,
  onProgress?: (done: number) => void,
): Promise<FuzzRun> {
  const signed = await signedEntries()
  const stats = newStats()
  const victim = new Victim(signed, stats)
  // Warm-up: the first signature check initialises the crypto backend once per process.
  await new Victim(signed, newStats()).run({ kind: 'entry', bytes: signed[0] as Uint8Array })
  const failures: { index: number; finding: string }[] = []
  const slow: { index: number; kind: string; ms: number }[] = []
  const scanned0 = scannedItems()
  const heap0 = process.memoryUsage().heapUsed
  const t0 = performance.now()
  for (let i = from; i < from + count; i++) {
    const c = fuzzCase(seed, i, signed)
    const before = stats.findings.length
    // CPU time of the case, not wall time: on a shared machine the scheduler's pauses are not
    // the victim's work. (Wall time is in `ms` for the whole run.)
    const start = process.cpuUsage()
    await victim.run(c)
    const cpu = process.cpuUsage(start)
    const took = (cpu.user + cpu.system) / 1000
    if (took > stats.maxCaseMs) stats.maxCaseMs = took
    if (took > STALL_MS) {
      stats.slowCases++
      if (slow.length < 50) slow.push({ index: i, kind: c.kind, ms: took })
    }
    for (const f of stats.findings.slice(before)) failures.push({ index: i, finding: f })
    if (onProgress && (i - from + 1) % 100_000 === 0) onProgress(i - from + 1)
  }
  return {
    seed,
    stats,
    ms: performance.now() - t0,
    scanned: scannedItems() - scanned0,
    heapGrowthBytes: process.memoryUsage().heapUsed - heap0,
    failures,
    slow,
  }
}

export function replayCommand(seed: number, index: number): string {
  return `npm run fuzz -- --seed ${seed} --case ${index}`
}
