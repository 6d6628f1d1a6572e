/** Runs benchmarks one after another in this process, isolating failures. */
import os from 'node:os'
import type { BenchContext, Benchmark, Scale } from './harness.js'
import { type BenchRecord, describeMachine, fmt, printRecord, writeRecord } from './report.js'
import { now } from './stats.js'
import type { BenchTransport } from './transports.js'

export interface SuiteOptions {
  only?: string[] | undefined
  skip?: string[] | undefined
  transports: readonly BenchTransport[]
  nodes: readonly number[]
  scale: Scale
  profile: boolean
  resultsDir: string
  /** Print tables to stdout (default true). */
  print?: boolean
  /** The benchmarks to choose from (default: all of `bench/benchmarks`). */
  benchmarks?: readonly Benchmark[]
}

export interface SuiteResult {
  records: BenchRecord[]
  failed: string[]
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const all = opts.benchmarks ?? (await import('../benchmarks/index.js')).BENCHMARKS
  const unknown = [...(opts.only ?? []), ...(opts.skip ?? [])].filter((n) => !all.some((b) => b.name === n))
  if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; see --list`)
  const chosen = all.filter((b) => (!opts.only || opts.only.includes(b.name)) && !opts.skip?.includes(b.name))
  const print = opts.print ?? true
  let caseErrors: string[] = []
  const ctx: BenchContext = {
    attempt: async (label, fn) => {
      try {
        await fn()
      } catch (err) {
        const e = err as Error
        caseErrors.push(`${label}: ${e.stack ?? e.message}`)
        ctx.log(`${label}: FAILED ${e.message}`)
      }
    },
    scale: opts.scale,
    transports: opts.transports,
    nodes: opts.nodes,
    profile: opts.profile,
    resultsDir: opts.resultsDir,
    log: (m) => process.stderr.write(`[bench ${((now() - t0) / 1000).toFixed(1)}s] ${m}\n`),
    pick: (byScale) => byScale[opts.scale],
  }
  const t0 = now()
  const records: BenchRecord[] = []
  const failed: string[] = []
  const machine = describeMachine()
  if (print) {
    console.log(
      `# mosaik-react bench (${opts.scale}): node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, commit ${machine.commit}\n`,
    )
  }
  for (const bench of chosen) {
    const started = new Date()
    const b0 = now()
    ctx.log(`${bench.name}: start`)
    caseErrors = []
    let record: BenchRecord
    try {
      const out = await bench.run(ctx)
      record = base(bench, opts.scale, started, now() - b0)
      record = { ...record, params: out.params, rows: out.rows, notes: out.notes ?? [] }
      if (caseErrors.length > 0) {
        failed.push(bench.name)
        record = { ...record, error: `${caseErrors.length} case(s) failed:\n${caseErrors.join('\n')}` }
      } else if (out.rows.length === 0) throw new Error('measured nothing')
    } catch (err) {
      failed.push(bench.name)
      const e = err as Error & { partial?: BenchRecord['rows'] }
      record = { ...base(bench, opts.scale, started, now() - b0), rows: e.partial ?? [], error: e.stack ?? String(err) }
      ctx.log(`${bench.name}: FAILED ${e.message}`)
    }
    writeRecord(opts.resultsDir, record)
    records.push(record)
    if (print) printRecord(record)
  }
  if (print) {
    const misses = records.flatMap((r) =>
      r.rows
        .filter((row) => row.target && !row.target.pass)
        .map((row) => `${r.name}/${row.case}/${row.transport}/${row.nodes}`),
    )
    console.log(
      `# done in ${fmt((now() - t0) / 1000)} s; ${records.length - failed.length}/${records.length} benchmarks ran` +
        (failed.length ? `; failed: ${failed.join(', ')}` : '') +
        (misses.length ? `; targets missed: ${misses.length}` : ''),
    )
  }
  return { records, failed }
}

function base(bench: Benchmark, scale: Scale, started: Date, durationMs: number): BenchRecord {
  return {
    name: bench.name,
    title: bench.title,
    startedAt: started.toISOString(),
    durationMs,
    scale,
    machine: describeMachine(),
    loadAverage: os.loadavg(),
    params: {},
    rows: [],
    notes: [],
  }
}
