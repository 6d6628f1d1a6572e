/** Result files and the stdout table. */
import { execSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import type { BenchOutput, Row } from './harness.js'

export interface BenchRecord {
  readonly name: string
  readonly title: string
  readonly startedAt: string
  readonly durationMs: number
  readonly scale: string
  readonly machine: Machine
  /** 1/5/15-minute load averages when the benchmark started: other work on the machine skews results. */
  readonly loadAverage: number[]
  readonly params: BenchOutput['params']
  readonly rows: Row[]
  readonly notes: string[]
  /** Set when the benchmark threw; rows measured before then are kept. */
  readonly error?: string
}

export interface Machine {
  readonly node: string
  readonly platform: string
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGiB: number
  readonly commit: string
}

let machine: Machine | undefined
export function describeMachine(): Machine {
  if (machine) return machine
  // A run on an exported tree (no .git) can name its source commit in MOSAIK_BENCH_COMMIT.
  let commit = process.env.MOSAIK_BENCH_COMMIT ?? 'unknown'
  if (!process.env.MOSAIK_BENCH_COMMIT) {
    try {
      commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim()
    } catch {}
  }
  machine = {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    commit,
  }
  return machine
}

export function writeRecord(dir: string, record: BenchRecord): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${record.name}.json`)
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`)
  return file
}

/** Three significant digits, no exponent. */
export function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '-'
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  if (a >= 1000) return Math.round(x).toLocaleString('en-US')
  if (a >= 100) return x.toFixed(0)
  if (a >= 10) return x.toFixed(1)
  if (a >= 1) return x.toFixed(2)
  if (a === 0) return '0'
  return x.toFixed(3)
}

const COLUMNS = [
  'case',
  'transport',
  'nodes',
  'median',
  'p99',
  'min',
  'max',
  'unit',
  'raw p50',
  '×raw',
  'fan-out p50',
  '×fan-out',
  'target',
] as const

function cells(row: Row): string[] {
  const xRaw = row.raw && row.unit === 'ms' ? row.stats.median / row.raw.median : undefined
  const target = row.target ? `${row.target.pass ? 'ok ' : 'MISS'} ${row.target.text}` : ''
  return [
    row.case,
    row.transport,
    row.nodes === 0 ? '-' : String(row.nodes),
    fmt(row.stats.median),
    fmt(row.stats.p99),
    fmt(row.stats.min),
    fmt(row.stats.max),
    row.unit,
    row.raw ? fmt(row.raw.median) : '-',
    xRaw === undefined ? '-' : `${xRaw.toFixed(1)}×`,
    row.fanOut ? fmt(row.fanOut.median) : '-',
    row.fanOut && row.unit === 'ms' ? `${(row.stats.median / row.fanOut.median).toFixed(1)}×` : '-',
    target,
  ]
}

/** A plain-text table: one header, one line per row, columns padded to fit. */
export function table(rows: readonly Row[]): string {
  const body = rows.map(cells)
  const all = [COLUMNS as readonly string[], ...body]
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const numeric = new Set([2, 3, 4, 5, 6, 8, 9, 10, 11])
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(all[0] as string[]), ...body.map(line)].join('\n')
}

export function printRecord(record: BenchRecord): void {
  const load = record.loadAverage.map((l) => l.toFixed(1)).join('/')
  const head = `## ${record.name}: ${record.title} (${(record.durationMs / 1000).toFixed(1)} s, load ${load})`
  const out = [head]
  if (record.rows.length > 0) out.push(table(record.rows))
  for (const n of record.notes) out.push(`  - ${n}`)
  if (record.error) {
    const lines = record.error.split('\n').filter((l) => !/^\s+at /.test(l))
    out.push(...lines.map((l, i) => (i === 0 ? `  ERROR: ${l}` : `    ${l}`)))
  }
  console.log(`${out.join('\n')}\n`)
}
