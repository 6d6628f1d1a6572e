import { describe, expect, it } from 'vitest'
import { sweep, total } from './sweep.js'

// Issue #16, in the seeded simulator: the real SurroundingsTracker and standing policy decide
// when a member stands alone. Each failure prints `npm run sim -- --core --seed N --scenario S`.
describe('simulator, startup (default mode)', () => {
  it('members that start together form one group: no revert, every acknowledged write kept (100 seeds)', () => {
    const run = sweep('simultaneous-start', 1, 100)
    expect(run.failures, run.report).toEqual([])
    expect(total(run.results, 'reverts')).toBe(0)
    expect(new Set(run.results.map((r) => r.nodes)).size).toBeGreaterThan(3)
  })

  it('the same when the whole process stalls after each open (100 seeds)', () => {
    const run = sweep('start-stalled-process', 1, 100)
    expect(run.failures, run.report).toEqual([])
  })

  it('the same when only the opening peer stalls (100 seeds)', () => {
    const run = sweep('start-stalled-peer', 1, 100)
    expect(run.failures, run.report).toEqual([])
  })

  it('the same when half the bonds take longer than an election timeout: fresh members hold back (100 seeds)', () => {
    const run = sweep('start-slow-bonds', 1, 100)
    expect(run.failures, run.report).toEqual([])
  })
})
