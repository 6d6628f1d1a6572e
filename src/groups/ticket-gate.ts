import type { PeerId } from '../core/id.js'
import type { Discovery } from '../network/types.js'
import { loadTicketCheck, type TicketCheck } from '../tickets/check.js'
import { Expiration } from '../tickets/expiration.js'
import type { InvalidTicketReason, TicketValidator } from '../tickets/validator.js'

/** What a peer's current discovery entry grants in a group. */
export type Grant =
  | {
      readonly ok: true
      /** May vote, lead and have forwarded writes applied (always true without `writeAuth`). */
      readonly voter: boolean
      /** When to check again: the earliest expiry of what was granted. */
      readonly recheck: Expiration
    }
  | { readonly ok: false; readonly reason: InvalidTicketReason | 'unknown-peer'; readonly detail: string }

/**
 * Roles granted, not declared: decides from a peer's signed discovery entry whether it may
 * be a member (`auth`: every validator needs a valid ticket) and whether it may vote, lead
 * and write (`writeAuth`). Results are cached per (validator, peer, ticket) until the ticket
 * expires, so re-checks on every discovery update and expiry timer are map lookups.
 */
export class TicketGate {
  readonly auth: readonly TicketValidator[]
  readonly writeAuth: readonly TicketValidator[]
  readonly #discovery: Discovery
  /** Checks tickets with cached results; loaded only when a validator is configured. */
  readonly #check: TicketCheck | undefined

  constructor(
    discovery: Discovery,
    auth: readonly TicketValidator[] = [],
    writeAuth: readonly TicketValidator[] = [],
    now: () => number = Date.now,
  ) {
    this.#discovery = discovery
    this.auth = auth
    this.writeAuth = writeAuth
    this.#check = auth.length > 0 || writeAuth.length > 0 ? loadTicketCheck(now) : undefined
  }

  /** True when any validator is configured (else every member is granted everything). */
  get enabled(): boolean {
    return this.auth.length > 0 || this.writeAuth.length > 0
  }

  /** Checks a remote peer by the entry discovery holds for it now (none: refused). */
  check(peer: PeerId): Promise<Grant> {
    const entry = this.#discovery.catalog().get(peer)
    if (!entry) return Promise.resolve({ ok: false, reason: 'unknown-peer', detail: 'no discovery entry for the peer' })
    return this.#grant(peer, entry.tickets)
  }

  /** Checks this peer's own entry (a member lacking `writeAuth` neither stands nor writes). */
  checkSelf(): Promise<Grant> {
    const self = this.#discovery.self()
    return this.#grant(self.peerId, self.tickets)
  }

  async #grant(peer: PeerId, tickets: readonly Uint8Array[]): Promise<Grant> {
    const check = this.#check
    if (!check) return { ok: true, voter: true, recheck: Expiration.never() }
    const member = await check(peer, tickets, this.auth)
    if (!member.ok) return member
    if (this.writeAuth.length === 0) return { ok: true, voter: true, recheck: member.expires }
    const writer = await check(peer, tickets, this.writeAuth)
    return writer.ok
      ? { ok: true, voter: true, recheck: Expiration.earliest(member.expires, writer.expires) }
      : { ok: true, voter: false, recheck: member.expires }
  }
}
