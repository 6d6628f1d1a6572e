/**
 * Every wait in a test is bounded so that a hang fails with what it waited for; no bound
 * checks speed (the benchmarks measure that). A call site names the bound a quiet machine
 * needs; `bound()` multiplies it by `LOAD_TOLERANCE` (4, or `MOSAIK_TEST_LOAD_TOLERANCE`) so
 * that `npm test` also passes on a machine shared with CPU-bound processes, where a real-time
 * protocol takes several times longer to do the same work.
 */
export const LOAD_TOLERANCE = Math.max(1, Number(process.env.MOSAIK_TEST_LOAD_TOLERANCE ?? 4) || 4)

/** `ms` (the bound a quiet machine needs) made tolerant of a loaded machine. */
export function bound(ms: number): number {
  return ms * LOAD_TOLERANCE
}
