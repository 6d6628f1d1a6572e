import { describe, expect, it } from 'vitest'
import { BOND_REPLACE_BOUND_MS, simulateBondReplace } from './driver/bond-replace.js'

describe('driver simulator: a bond replaced while forwards are in flight', () => {
  it('every write applies once, within two election timeouts, though its bond was replaced', async () => {
    const results = []
    for (let seed = 1; seed <= 6; seed++) {
      const r = await simulateBondReplace(seed)
      console.log(
        `bond-replace seed ${seed}: ${r.ok ? 'ok' : 'FAIL'} (${r.nodes} members, ${r.replaced} bonds replaced, ` +
          `${r.writes} writes, worst ${r.worstMs.toFixed(0)} ms)${r.ok ? '' : `\n  ${r.error}\n  replay: ${r.replay}`}`,
      )
      results.push(r)
    }
    const failures = results.filter((r) => !r.ok)
    expect(failures.map((r) => `${r.error}\n    replay: ${r.replay}`).join('\n')).toBe('')
    // The fault really happened: bonds in use were superseded, under a steady stream of writes.
    expect(results.every((r) => r.replaced >= 3)).toBe(true)
    expect(results.reduce((n, r) => n + r.writes, 0)).toBeGreaterThan(500)
    expect(Math.max(...results.map((r) => r.worstMs))).toBeLessThanOrEqual(BOND_REPLACE_BOUND_MS)
  })
})
