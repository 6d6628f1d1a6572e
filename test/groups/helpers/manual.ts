import type { ManualClock } from '../../../src/core/clock.js'

/** Lets queued microtasks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Advances `clock` by `ms` in steps, letting messages flow between steps. */
export async function advance(clock: ManualClock, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t))
    await settle()
  }
}

/** Advances until `check()` holds; returns the virtual time it took. Throws after `maxMs`. */
export async function advanceUntil(
  clock: ManualClock,
  what: string,
  check: () => boolean,
  maxMs = 30_000,
  step = 1,
): Promise<number> {
  const start = clock.now()
  await settle()
  while (!check()) {
    if (clock.now() - start > maxMs) throw new Error(`${what}: not reached after ${maxMs} virtual ms`)
    clock.advance(step)
    await settle()
  }
  return clock.now() - start
}
