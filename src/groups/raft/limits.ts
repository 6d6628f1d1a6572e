/**
 * Numeric sanity for what peers claim (DESIGN.md "Trust model": it holds even against a
 * writer). Terms and indices are safe integers well below 2^53, so `term + 1` and
 * `index + n` stay exact; a term may rise by at most `MAX_TERM_JUMP` per message, so one
 * vote request with term 2^53 cannot push a group to where no election can finish.
 */

/** Largest term or index accepted from a peer (2^52: `+ 1` never loses precision). */
export const MAX_TERM = 2 ** 52
/** Largest log index accepted from a peer. */
export const MAX_INDEX = 2 ** 52
/**
 * Largest rise of our term one message may cause. An honest member needs one election per
 * step; a million failed elections in a row (weeks at one a second) is beyond any partition.
 */
export const MAX_TERM_JUMP = 1_000_000

/** A safe, non-negative integer no larger than `max`. */
export function isCount(x: unknown, max = MAX_INDEX): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= max
}

/** A term within bounds. */
export function isTerm(x: unknown): x is number {
  return isCount(x, MAX_TERM)
}

/** False when `term` would raise `current` by more than `MAX_TERM_JUMP`: drop the message. */
export function termJumpAllowed(current: number, term: number): boolean {
  return term <= current + MAX_TERM_JUMP
}
