import { UniqueId } from '../core/id.js'
import type { PeerEntry } from '../network/types.js'
import { decodeTicket } from '../tickets/ticket.js'
import type { PeerInfo, StreamTicketValidator, TicketExpiration } from './types.js'

/**
 * How long one validator may take over one ticket: an answer later than this grants nothing.
 * Checks of a peer run one at a time, so an app's validator that never settles must not hold
 * every later check of that peer (a revoked ticket would never end its link).
 */
export const TICKET_CHECK_TIMEOUT_MS = 5_000

/**
 * Checks a peer's discovery tickets against every validator (mosaik
 * `PeerEntry::validate_tickets`): each validator needs one ticket of its class that it
 * accepts. Resolves with the earliest expiration, or undefined when any validator finds
 * nothing valid (missing, malformed, forged or expired tickets, and answers that take longer
 * than `TICKET_CHECK_TIMEOUT_MS`, all count as nothing). Tickets are decoded by the tickets
 * module (bounded before decoded).
 */
export async function validateTickets(
  entry: PeerEntry,
  validators: readonly StreamTicketValidator[],
  now: number = Date.now(),
): Promise<TicketExpiration | undefined> {
  let earliest: TicketExpiration = { kind: 'never' }
  for (const validator of validators) {
    let granted: TicketExpiration | undefined
    for (const raw of entry.tickets) {
      const ticket = decodeTicket(raw)
      if (!ticket?.class.equals(validator.class)) continue
      try {
        const e = await within(validator.validate(ticket.data, entry.peerId), TICKET_CHECK_TIMEOUT_MS)
        if (e.kind === 'at' && e.at.getTime() <= now) continue
        granted = granted === undefined ? e : latest(granted, e)
      } catch {
        // An invalid ticket grants nothing; another of the same class may still do.
      }
    }
    if (!granted) return undefined
    earliest = earliestOf(earliest, granted)
  }
  return earliest
}

/** `answer`, or a rejection once `ms` passed without one. */
function within<T>(answer: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([answer, late]).finally(() => clearTimeout(timer))
}

/** A `PeerInfo` view of a verified entry for `require` predicates. */
export function peerInfo(entry: PeerEntry, rtt?: number, onRttRead?: () => void): PeerInfo {
  return {
    peerId: entry.peerId,
    entry,
    hasTag: (tag) => entry.tags.includes(UniqueId.from(tag).toString()),
    get rtt() {
      onRttRead?.()
      return rtt
    },
    rttBelow(ms) {
      onRttRead?.()
      return rtt !== undefined && rtt < ms
    },
  }
}

/**
 * Whether `entry` satisfies every predicate (a predicate that throws counts as false), and
 * whether one of them read an RTT that is not known yet (measuring it may change the answer).
 */
export function checkRequire(
  entry: PeerEntry,
  predicates: ReadonlyArray<(peer: PeerInfo) => boolean>,
  rtt?: number,
): { ok: boolean; needsRtt: boolean } {
  let needsRtt = false
  const info = peerInfo(entry, rtt, () => {
    if (rtt === undefined) needsRtt = true
  })
  for (const p of predicates) {
    try {
      if (!p(info)) return { ok: false, needsRtt }
    } catch {
      return { ok: false, needsRtt }
    }
  }
  return { ok: true, needsRtt }
}

/** True when `entry` satisfies every predicate with the RTT given (unknown RTT fails `rttBelow`). */
export function satisfies(
  entry: PeerEntry,
  predicates: ReadonlyArray<(peer: PeerInfo) => boolean>,
  rtt?: number,
): boolean {
  return checkRequire(entry, predicates, rtt).ok
}

function earliestOf(a: TicketExpiration, b: TicketExpiration): TicketExpiration {
  if (a.kind === 'never') return b
  if (b.kind === 'never') return a
  return a.at.getTime() <= b.at.getTime() ? a : b
}

function latest(a: TicketExpiration, b: TicketExpiration): TicketExpiration {
  if (a.kind === 'never' || b.kind === 'never') return { kind: 'never' }
  return a.at.getTime() >= b.at.getTime() ? a : b
}
