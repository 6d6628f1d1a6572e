import { describe, expect, it } from 'vitest'
import { sweep, total } from './sweep.js'

describe('simulator, default mode (mosaik: availability first)', () => {
  it('keeps logs matching and converges after every heal across 350 seeds with partitions, crashes and disk loss', () => {
    const run = sweep('default', 1, 350)
    expect(run.failures, run.report).toEqual([])
    // The faults really happened: partitions made minorities commit and later roll back.
    expect(total(run.results, 'reverts')).toBeGreaterThan(0)
    expect(total(run.results, 'faults')).toBeGreaterThan(350 * 5)
    expect(new Set(run.results.map((r) => r.nodes))).toEqual(new Set([3, 5, 7]))
    expect(run.results.some((r) => r.preferences.includes('o') && r.preferences.includes('r'))).toBe(true)
    expect(total(run.results, 'rivals')).toBeGreaterThan(0)
  })

  it('stays consistent across 250 seeds of crashes, loss and duplication without partitions', () => {
    const run = sweep('default-connected', 1, 250)
    expect(run.failures, run.report).toEqual([])
  })
})
