import { describe, expect, it } from 'vitest'
import { sweep } from './sweep.js'

describe('the checkers catch planted bugs', () => {
  it('catches a leader that commits without a quorum (forged acknowledgements)', () => {
    const run = sweep('strict-forged-acks', 1, 30)
    // Most seeds partition the cluster while a leader "commits" alone; several must be caught.
    expect(run.failures.length).toBeGreaterThan(10)
    expect(run.failures.every((r) => r.replay.includes('--scenario strict-forged-acks'))).toBe(true)
  })

  it('catches the old lone-writer rule (an empty catalog counts as alone) splitting a startup', () => {
    const run = sweep('start-empty-catalog-alone', 1, 30)
    expect(run.failures.length).toBeGreaterThan(10)
    expect(run.failures.some((r) => /both lead term 1/.test(r.error ?? ''))).toBe(true)
  })

  it('catches fresh members that do not hold back electing themselves beside a leader they cannot bond with yet', () => {
    const run = sweep('start-slow-bonds-no-hold', 1, 40)
    expect(run.failures.length).toBeGreaterThan(3)
  })

  it('catches strong reads served from a stale local replica with the linearizability checker alone', () => {
    const run = sweep('strict-local-reads', 1, 30)
    const caughtByHistory = run.failures.filter((r) => r.linearizability === 'violated')
    expect(caughtByHistory.length).toBeGreaterThan(5)
  })

  it('a strict core refuses hostile appends at committed indices before changing anything', () => {
    const run = sweep('strict-hostile-append', 1, 20)
    // Every seed forges appends replacing committed entries; none may commit, apply or revert.
    expect(run.failures, run.report).toEqual([])
    expect(run.results.reduce((n, r) => n + r.refused, 0)).toBeGreaterThan(20)
  })
})
