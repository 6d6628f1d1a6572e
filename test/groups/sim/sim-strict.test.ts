import { describe, expect, it } from 'vitest'
import { sweep, total } from './sweep.js'

describe('simulator, strict mode (minVoters)', () => {
  it('never moves commit back and keeps client histories linearizable across 200 seeds (1 to 200)', () => {
    const run = sweep('strict', 1, 200)
    expect(run.failures, run.report).toEqual([])
    expect(run.results.filter((r) => r.linearizability === 'ok').length).toBeGreaterThan(190)
    expect(total(run.results, 'ops')).toBeGreaterThan(200 * 20)
    // Durable storage semantics: members also crash inside a Ready, before or after its write.
    expect(total(run.results, 'midReadyCrashes')).toBeGreaterThan(50)
  })

  it('never moves commit back and keeps client histories linearizable across 200 more seeds (201 to 400)', () => {
    const run = sweep('strict', 201, 200)
    expect(run.failures, run.report).toEqual([])
    expect(run.results.filter((r) => r.linearizability === 'ok').length).toBeGreaterThan(190)
  })
})
