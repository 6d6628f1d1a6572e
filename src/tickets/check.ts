import type { PeerId } from '../core/id.js'
import type { Authorization } from './authorize.js'
import type { TicketValidator } from './validator.js'

/** Checks a peer's encoded tickets against validators (`authorizePeer`), with one cache of results. */
export type TicketCheck = (
  peer: PeerId,
  encodedTickets: readonly Uint8Array[],
  validators: readonly TicketValidator[],
) => Promise<Authorization>

/**
 * A `TicketCheck` whose code (authorize.ts) loads now, in the background: only what configures
 * validators (`requireTicket`, `auth`, `writeAuth`) asks for one, so an app without tickets
 * never ships the checks, and one with them has them loaded by its first check. Never
 * throws, as `authorizePeer`: checks the code could not be loaded for refuse the peer.
 */
export function loadTicketCheck(now: () => number = Date.now): TicketCheck {
  const loaded = import('./authorize.js').then(({ authorizePeer, TicketCache }) => {
    const cache = new TicketCache(now)
    return (peer: PeerId, tickets: readonly Uint8Array[], validators: readonly TicketValidator[]) =>
      authorizePeer(peer, tickets, validators, cache)
  })
  // Told at the first check; until then a failed load is not an unhandled rejection.
  loaded.catch(() => {})
  return async (peer, tickets, validators) => {
    let check: TicketCheck
    try {
      check = await loaded
    } catch (err) {
      return { ok: false, reason: 'malformed', detail: `the ticket checks could not be loaded: ${String(err)}` }
    }
    return check(peer, tickets, validators)
  }
}
