import { scenario } from './scenarios.js'
import { type SimResult, simulate } from './simulator.js'

export interface Sweep {
  readonly results: SimResult[]
  readonly failures: SimResult[]
  /** One line per failure: the error and the command that replays exactly that seed. */
  readonly report: string
}

/** Run `count` seeds of a scenario from `from`; failures come back with their replay commands. */
export function sweep(name: string, from: number, count: number): Sweep {
  const s = scenario(name)
  const results: SimResult[] = []
  for (let seed = from; seed < from + count; seed++) results.push(simulate(s, seed))
  const failures = results.filter((r) => !r.ok)
  const report = failures.map((r) => `${r.error}\n    replay: ${r.replay}`).join('\n')
  return { results, failures, report }
}

export function total(
  results: readonly SimResult[],
  key: 'ticks' | 'ops' | 'reverts' | 'faults' | 'info' | 'rivals' | 'midReadyCrashes',
): number {
  return results.reduce((sum, r) => sum + r[key], 0)
}
