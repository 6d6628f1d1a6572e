/**
 * A tiny run of every benchmark (a few iterations each), so the suite cannot rot: each must
 * finish, write its JSON and measure positive, finite numbers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BENCHMARKS } from '../../bench/benchmarks/index.js'
import type { BenchRecord } from '../../bench/lib/report.js'
import { runSuite } from '../../bench/lib/runner.js'

const dir = mkdtempSync(join(tmpdir(), 'mosaik-bench-smoke-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('benchmark smoke run', () => {
  for (const bench of BENCHMARKS) {
    it(`${bench.name} measures positive numbers and writes its JSON`, async () => {
      const { records, failed } = await runSuite({
        benchmarks: [bench],
        transports: ['memory'],
        nodes: [3],
        scale: 'smoke',
        profile: false,
        resultsDir: dir,
        print: false,
      })
      const record = records[0] as BenchRecord
      expect(record.error, record.error).toBeUndefined()
      expect(failed).toEqual([])
      expect(record.rows.length).toBeGreaterThan(0)
      for (const row of record.rows) {
        for (const v of [row.stats.median, row.stats.min, row.stats.max, row.stats.p99]) {
          expect(Number.isFinite(v), `${row.case}: ${v}`).toBe(true)
          // A heap figure is a difference of two heap readings: a collection between them makes
          // a small one negative (history's group heap after 100 writes: -0.13 MiB once).
          if (!/\bheap\b/.test(row.case))
            expect(v, `${bench.name}/${row.case} on ${row.transport}`).toBeGreaterThanOrEqual(0)
        }
      }
      // Some rows may be legitimately zero (writes lost); the benchmark as a whole measured something.
      expect(Math.max(...record.rows.map((r) => r.stats.max)), bench.name).toBeGreaterThan(0)
      const file = join(dir, `${bench.name}.json`)
      expect(existsSync(file)).toBe(true)
      const written = JSON.parse(readFileSync(file, 'utf8')) as BenchRecord
      expect(written.rows.length).toBe(record.rows.length)
    })
  }
})
