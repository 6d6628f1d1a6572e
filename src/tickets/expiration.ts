/**
 * When a validated ticket stops granting what it grants (mosaik `Expiration`). Groups use it
 * to drop a bond the moment its ticket expires instead of at the next reconnection.
 */
export type Expiration = { readonly kind: 'never' } | { readonly kind: 'at'; readonly at: Date }

const NEVER: Expiration = Object.freeze({ kind: 'never' })

/** Constructors and helpers of `Expiration`. Times are wall-clock ms since the epoch. */
export const Expiration = Object.freeze({
  /** A ticket that never expires. */
  never(): Expiration {
    return NEVER
  },
  /** Expires `ms` from now. */
  in(ms: number, now: number = Date.now()): Expiration {
    return Object.freeze({ kind: 'at', at: new Date(now + ms) })
  },
  /** Expires at `date` (a `Date` or ms since the epoch). */
  at(date: Date | number): Expiration {
    return Object.freeze({ kind: 'at', at: new Date(typeof date === 'number' ? date : date.getTime()) })
  },
  /** Already expired an hour ago (for tests, as mosaik's `already_expired`). */
  alreadyExpired(now: number = Date.now()): Expiration {
    return Object.freeze({ kind: 'at', at: new Date(now - 3_600_000) })
  },
  /** True when `e` is past at `now`. */
  isExpired(e: Expiration, now: number = Date.now()): boolean {
    return e.kind === 'at' && e.at.getTime() <= now
  },
  /** Ms left before `e` (0 when past), or undefined when it never expires. */
  remaining(e: Expiration, now: number = Date.now()): number | undefined {
    return e.kind === 'never' ? undefined : Math.max(0, e.at.getTime() - now)
  },
  /** The earlier of two expirations (`never` is the latest). */
  earliest(a: Expiration, b: Expiration): Expiration {
    if (a.kind === 'never') return b
    if (b.kind === 'never') return a
    return a.at.getTime() <= b.at.getTime() ? a : b
  },
  /** The later of two expirations. */
  latest(a: Expiration, b: Expiration): Expiration {
    if (a.kind === 'never' || b.kind === 'never') return NEVER
    return a.at.getTime() >= b.at.getTime() ? a : b
  },
})
