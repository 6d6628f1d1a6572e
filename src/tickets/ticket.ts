import { decode, encode } from '../core/codec.js'
import { type IdLike, UniqueId } from '../core/id.js'

/** Identifies a ticket scheme (mosaik `TicketClass`), such as `Jwt.CLASS`. */
export type TicketClass = UniqueId

/**
 * An opaque, typed credential a peer attaches to its signed discovery entry (mosaik
 * `Ticket`). Discovery carries it without reading it; a `TicketValidator` of the same
 * `class` decides what it grants. Tickets are public: never put a secret in `data`.
 */
export interface Ticket {
  readonly class: TicketClass
  readonly data: Uint8Array
}

/** Largest encoded ticket discovery carries (bytes); a larger one is refused. With `MAX_TICKETS_PER_ENTRY` it keeps tickets within half of discovery's 16 KiB entry cap. */
export const MAX_TICKET_BYTES = 2 * 1024
/** Most tickets one discovery entry may carry. */
export const MAX_TICKETS_PER_ENTRY = 4

/** Makes a ticket; `data` may be bytes or a string (its UTF-8 bytes, as a JWT travels). */
export function createTicket(ticketClass: IdLike, data: Uint8Array | string): Ticket {
  return Object.freeze({
    class: UniqueId.from(ticketClass),
    data: typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data),
  })
}

/** The ticket's id, `class.derive(data)` as in mosaik: the same ticket added twice is one ticket. */
export function ticketId(ticket: Ticket): UniqueId {
  return ticket.class.derive(ticket.data)
}

/** Wire form inside a discovery entry: `cbor({ c: class bytes, d: data })`. */
export function encodeTicket(ticket: Ticket): Uint8Array {
  return encode({ c: ticket.class.bytes, d: ticket.data })
}

/**
 * Decodes one ticket from a peer's entry. Bounded before it is decoded; undefined for
 * anything oversized or of the wrong shape (a peer's bytes are never trusted).
 */
export function decodeTicket(bytes: Uint8Array): Ticket | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_TICKET_BYTES) return undefined
  let raw: unknown
  try {
    raw = decode(bytes)
  } catch {
    return undefined
  }
  if (typeof raw !== 'object' || raw === null) return undefined
  const { c, d } = raw as Record<string, unknown>
  if (!(c instanceof Uint8Array) || c.length !== 32 || !(d instanceof Uint8Array)) return undefined
  return Object.freeze({ class: UniqueId.from(c), data: d })
}

/**
 * True when a list of encoded tickets stays within the per-entry bounds
 * (`MAX_TICKETS_PER_ENTRY`, `MAX_TICKET_BYTES` each). Discovery refuses entries past them.
 */
export function ticketsWithinBounds(tickets: readonly Uint8Array[]): boolean {
  return (
    tickets.length <= MAX_TICKETS_PER_ENTRY &&
    tickets.every((t) => t instanceof Uint8Array && t.length <= MAX_TICKET_BYTES)
  )
}
