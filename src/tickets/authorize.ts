import type { PeerId } from '../core/id.js'
import { Expiration } from './expiration.js'
import { decodeTicket, ticketId } from './ticket.js'
import { InvalidTicket, type InvalidTicketReason, type TicketValidator } from './validator.js'

/** The outcome of checking a peer against validators. */
export type Authorization =
  | { readonly ok: true; readonly expires: Expiration }
  | { readonly ok: false; readonly reason: InvalidTicketReason; readonly detail: string }

type Cached = { readonly expires: Expiration } | { readonly reason: InvalidTicketReason; readonly detail: string }

/** Entries the cache keeps; the oldest goes first past it. */
const CACHE_LIMIT = 4_096
/** How long a refusal is remembered, ms (a not-yet-valid ticket may become valid). */
const REFUSAL_TTL_MS = 5_000

/**
 * Remembers validation results per (validator signature, peer, ticket id), so checking a
 * bond again (each discovery update, each expiry timer) costs a map lookup instead of a
 * signature check. A grant is kept until it expires; a refusal for `REFUSAL_TTL_MS`.
 * Bounded: at most `CACHE_LIMIT` results, oldest dropped first.
 */
export class TicketCache {
  readonly #results = new Map<string, { at: number; result: Cached }>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  get size(): number {
    return this.#results.size
  }

  async validate(validator: TicketValidator, signature: string, data: Uint8Array, id: string, peer: PeerId) {
    const key = `${signature}/${peer}/${id}`
    const now = this.#now()
    const hit = this.#results.get(key)
    if (hit) {
      const r = hit.result
      if ('expires' in r ? !Expiration.isExpired(r.expires, now) : now - hit.at < REFUSAL_TTL_MS) return r
      this.#results.delete(key)
    }
    let result: Cached
    try {
      const expires = await validator.validate(data, peer)
      result = Expiration.isExpired(expires, this.#now())
        ? { reason: 'expired', detail: 'the ticket expired' }
        : { expires }
    } catch (err) {
      result =
        err instanceof InvalidTicket
          ? { reason: err.reason, detail: err.message }
          : { reason: 'malformed', detail: `the validator threw: ${(err as Error)?.message ?? String(err)}` }
    }
    this.#results.set(key, { at: now, result })
    if (this.#results.size > CACHE_LIMIT) {
      const oldest = this.#results.keys().next().value
      if (oldest !== undefined) this.#results.delete(oldest)
    }
    return result
  }

  clear(): void {
    this.#results.clear()
  }
}

/**
 * Checks the tickets of a peer's entry against every validator (mosaik
 * `PeerEntry::validate_tickets`): each validator needs at least one valid ticket of its
 * class, the longest-lived one counts, and the grant ends at the earliest of them. No
 * validators grants forever. Never throws: malformed tickets are skipped, a validator
 * that throws counts as a refusal.
 */
export async function authorizePeer(
  peer: PeerId,
  encodedTickets: readonly Uint8Array[],
  validators: readonly TicketValidator[],
  cache: TicketCache = new TicketCache(),
): Promise<Authorization> {
  let earliest = Expiration.never()
  if (validators.length === 0) return { ok: true, expires: earliest }
  const tickets = encodedTickets.flatMap((b) => {
    const t = decodeTicket(b)
    return t ? [t] : []
  })
  for (const v of validators) {
    const signature = v.signature().toString()
    let best: Expiration | undefined
    let refusal: { reason: InvalidTicketReason; detail: string } = {
      reason: encodedTickets.length > tickets.length ? 'malformed' : 'missing',
      detail: `no ticket of class ${v.class.short()}`,
    }
    for (const t of tickets) {
      if (!t.class.equals(v.class)) continue
      const r = await cache.validate(v, signature, t.data, ticketId(t).toString(), peer)
      if ('expires' in r) best = best ? Expiration.latest(best, r.expires) : r.expires
      else refusal = r
    }
    if (!best) return { ok: false, ...refusal }
    earliest = Expiration.earliest(earliest, best)
  }
  return { ok: true, expires: earliest }
}
