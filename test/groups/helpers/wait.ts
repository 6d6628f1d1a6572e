import { TimeoutError } from '../../../src/core/errors.js'
import type { Group } from '../../../src/groups/types.js'
import { bound } from '../../helpers/bounds.js'

/** Resolves once `check()` holds, re-checking on every state change of `groups`; bounded (`quietMs` on a quiet machine, see `bound`). */
export function waitFor(
  groups: ReadonlyArray<Group<never, never, never> | Group<unknown, unknown, unknown>>,
  what: string,
  check: () => boolean,
  quietMs = 10_000,
): Promise<void> {
  if (check()) return Promise.resolve()
  const timeoutMs = bound(quietMs)
  return new Promise((resolve, reject) => {
    const offs = groups.map((g) => (g as Group<unknown, unknown, unknown>).subscribe(() => poke()))
    const poll = setInterval(() => poke(), 50)
    const timer = setTimeout(() => done(new TimeoutError(what, timeoutMs)), timeoutMs)
    function done(err?: Error) {
      clearTimeout(timer)
      clearInterval(poll)
      for (const off of offs) off()
      if (err) reject(err)
      else resolve()
    }
    function poke() {
      if (check()) done()
    }
  })
}

/** Percentile of a sample (ms). */
export function percentile(sample: number[], p: number): number {
  const s = [...sample].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}
