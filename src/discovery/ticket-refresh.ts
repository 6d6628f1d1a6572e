import type { PeerId } from '../core/id.js'
import type { Discovery } from '../network/types.js'
import { Expiration } from '../tickets/expiration.js'
import { JWT_CLASS, jwtExpiration } from '../tickets/jwt/claims.js'
import { createTicket, MAX_TICKETS_PER_ENTRY, type Ticket, ticketId } from '../tickets/ticket.js'

/** What an auth function returns: a JWT string, a ticket, or either with its expiry. */
export type AuthResult = string | Ticket | { readonly ticket: string | Ticket; readonly expires?: Expiration }

/**
 * Fetches this peer's tickets from the app's backend (an auth endpoint), e.g.
 * `async (peerId) => (await fetch('/api/ticket?peer=' + peerId)).text()`.
 */
export type AuthFunction = (peerId: PeerId, signal: AbortSignal) => Promise<AuthResult | readonly AuthResult[]>

export interface TicketRefreshOptions {
  /** Refresh this long before the earliest expiry, ms (default: a fifth of the lifetime, at most 60 s). */
  readonly refreshBeforeMs?: number
  /** First pause after a failed fetch, ms (default 2 000; doubles up to 60 s). */
  readonly retryMs?: number
  /** Told about every failed fetch (the previous tickets stay until they expire). */
  readonly onError?: (error: unknown) => void
}

/** What the refresher last achieved. */
export type TicketRefreshState =
  | { readonly status: 'pending' }
  | { readonly status: 'ok'; readonly expires: Expiration }
  | { readonly status: 'error'; readonly error: unknown }

const MIN_REFRESH_MS = 1_000
const MAX_RETRY_MS = 60_000
/** setTimeout's limit. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Keeps this peer's tickets fresh: calls `auth` now, attaches what it returns to the signed
 * discovery entry (re-announced at once), and calls it again before the earliest ticket
 * expires, swapping the new tickets in before the old ones go. A failed call is retried
 * with backoff; the previous tickets stay until they expire.
 */
export class TicketRefresher {
  readonly #discovery: Discovery
  readonly #peerId: PeerId
  readonly #auth: AuthFunction
  readonly #options: TicketRefreshOptions
  readonly #abort = new AbortController()
  #held: Ticket[] = []
  #timer: ReturnType<typeof setTimeout> | undefined
  #failures = 0
  #state: TicketRefreshState = { status: 'pending' }
  #stopped = false

  constructor(discovery: Discovery, peerId: PeerId, auth: AuthFunction, options: TicketRefreshOptions = {}) {
    this.#discovery = discovery
    this.#peerId = peerId
    this.#auth = auth
    this.#options = options
  }

  get state(): TicketRefreshState {
    return this.#state
  }

  /** Fetches the first tickets; resolves once they are attached (or the fetch failed and a retry is scheduled). */
  start(): Promise<void> {
    return this.#refresh()
  }

  /** Stops refreshing and removes the tickets it attached. Idempotent. */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#abort.abort()
    clearTimeout(this.#timer)
    for (const t of this.#held) this.#discovery.removeTicket(ticketId(t))
    this.#held = []
  }

  /**
   * Puts `tickets` in place of the ones held: new ones first, then the old ones go, so the
   * entry is never without a ticket, unless that would pass the per-entry bound (then the
   * old ones go first). Throws `RangeError` for a ticket discovery cannot carry.
   */
  #swap(tickets: Ticket[]): void {
    const keep = new Set(tickets.map((t) => ticketId(t).toString()))
    const stale = this.#held.filter((t) => !keep.has(ticketId(t).toString()))
    const room = MAX_TICKETS_PER_ENTRY - this.#discovery.tickets().length
    const removeFirst = tickets.length - (this.#held.length - stale.length) > room
    if (removeFirst) for (const t of stale) this.#discovery.removeTicket(ticketId(t))
    this.#held = this.#held.filter((t) => keep.has(ticketId(t).toString()))
    for (const t of tickets) {
      this.#discovery.addTicket(t)
      if (!this.#held.some((h) => ticketId(h).equals(ticketId(t)))) this.#held.push(t)
    }
    if (!removeFirst) for (const t of stale) this.#discovery.removeTicket(ticketId(t))
  }

  async #refresh(): Promise<void> {
    if (this.#stopped) return
    let fresh: { ticket: Ticket; expires: Expiration }[]
    try {
      const got = await this.#auth(this.#peerId, this.#abort.signal)
      const results = Array.isArray(got) ? (got as readonly AuthResult[]) : [got as AuthResult]
      if (results.length === 0) throw new Error('the auth function returned no ticket')
      fresh = results.map(normalize)
      if (!this.#stopped) this.#swap(fresh.map((f) => f.ticket))
    } catch (error) {
      if (this.#stopped) return
      this.#failures++
      this.#state = { status: 'error', error }
      this.#options.onError?.(error)
      const pause = Math.min(MAX_RETRY_MS, (this.#options.retryMs ?? 2_000) * 2 ** (this.#failures - 1))
      this.#timer = setTimeout(() => void this.#refresh(), pause)
      return
    }
    if (this.#stopped) return
    this.#failures = 0
    const expires = fresh.reduce((e, f) => Expiration.earliest(e, f.expires), Expiration.never())
    this.#state = { status: 'ok', expires }
    const left = Expiration.remaining(expires)
    if (left === undefined) return
    const margin = this.#options.refreshBeforeMs ?? Math.min(60_000, left / 5)
    const at = Math.min(MAX_TIMER_MS, Math.max(MIN_REFRESH_MS, left - margin))
    this.#timer = setTimeout(() => void this.#refresh(), at)
  }
}

function normalize(r: AuthResult): { ticket: Ticket; expires: Expiration } {
  const raw = typeof r === 'object' && 'ticket' in r ? r.ticket : r
  const given = typeof r === 'object' && 'ticket' in r ? r.expires : undefined
  if (typeof raw === 'string') {
    return { ticket: createTicket(JWT_CLASS, raw), expires: given ?? jwtExpiration(raw) ?? Expiration.never() }
  }
  return { ticket: raw, expires: given ?? jwtExpirationOf(raw) }
}

function jwtExpirationOf(t: Ticket): Expiration {
  if (!t.class.equals(JWT_CLASS)) return Expiration.never()
  return jwtExpiration(new TextDecoder().decode(t.data)) ?? Expiration.never()
}
