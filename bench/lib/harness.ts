/**
 * What a benchmark is, what it gets, and what it returns. A benchmark is a module exporting
 * a `Benchmark`; the runner (`bench/run.ts`) gives it a context, and writes its rows to
 * `bench/results/<name>.json` and a table to stdout.
 */
import type { Summary } from './stats.js'
import type { BenchTransport } from './transports.js'

export type Scale = 'full' | 'smoke'

export interface BenchContext {
  /** `smoke`: a few iterations, for the test that keeps benchmarks from rotting. */
  readonly scale: Scale
  /** Transports to measure on (default all three). */
  readonly transports: readonly BenchTransport[]
  /** Cluster sizes to measure (default 1, 3, 5). */
  readonly nodes: readonly number[]
  /** Take a CPU profile where a benchmark supports it (throughput). */
  readonly profile: boolean
  /** Where JSON results and profiles go. */
  readonly resultsDir: string
  /** Progress lines (stderr), so stdout stays the table. */
  log(message: string): void
  /** Parameters by scale. */
  pick<T>(byScale: { full: T; smoke: T }): T
  /**
   * Runs one case (a transport × size setting); if it throws, the error is recorded under
   * `label`, the benchmark is reported as failed, and the remaining cases still run.
   */
  attempt(label: string, fn: () => Promise<void>): Promise<void>
}

export interface Target {
  /** The target in words, e.g. `p50 ≤ 2× raw RTT and ≤ 1 ms`. */
  readonly text: string
  readonly pass: boolean
}

/** One line of a benchmark's table: one measured quantity in one setting. */
export interface Row {
  readonly case: string
  readonly transport: BenchTransport | '-'
  /** Members of the group (writers + readers), or 0 where it does not apply. */
  readonly nodes: number
  readonly unit: string
  readonly stats: Summary
  /** The raw libp2p stream round trip (ms) on the same transport, measured in the same run. */
  readonly raw?: Summary
  /**
   * The raw fan-out round trip (ms): one peer echoes with all the others at once and the first
   * answer counts (`measureFanOutRtt`), the least a commit's round can cost in this setting.
   */
  readonly fanOut?: Summary
  readonly target?: Target
  /** Anything else worth keeping in the JSON (bytes, counts, profile summary …). */
  readonly extra?: Readonly<Record<string, unknown>>
}

export interface BenchOutput {
  readonly rows: Row[]
  /** Parameters actually used (iteration counts, sizes), recorded in the JSON. */
  readonly params: Readonly<Record<string, unknown>>
  /** Free-form findings printed under the table (e.g. the profile's slowest stages). */
  readonly notes?: string[]
}

export interface Benchmark {
  /** File name of its result and `--only` key, kebab-case. */
  readonly name: string
  readonly title: string
  run(ctx: BenchContext): Promise<BenchOutput>
}

/** Builds a `Row` with the ratio to the raw round trip recorded in `extra.xRaw`. */
export function latencyRow(row: Omit<Row, 'unit'> & { unit?: string }): Row {
  const xRaw = row.raw ? row.stats.median / row.raw.median : undefined
  const xFanOut = row.fanOut ? row.stats.median / row.fanOut.median : undefined
  return {
    unit: 'ms',
    ...row,
    ...(xRaw !== undefined && { extra: { ...row.extra, xRaw, ...(xFanOut !== undefined && { xFanOut }) } }),
  }
}
