import type { PeerId } from '../core/id.js'
import type { PeerEntry } from '../network/types.js'
import { encodeTicket, MAX_TICKET_BYTES, MAX_TICKETS_PER_ENTRY, type Ticket } from '../tickets/ticket.js'
import { MAX_STREAMS_PER_ENTRY } from './entry.js'
import { MAX_STORE_LABELS } from './store-labels.js'

/**
 * What this peer announces about itself: tags, groups, streams, store labels and tickets (all
 * id hex strings), turned into a `PeerEntry` on demand. Bounds the app's input with a
 * `RangeError` before it could make an entry other peers refuse.
 */
export class LocalEntry {
  readonly tags = new Set<string>()
  readonly groups = new Set<string>()
  readonly streams = new Set<string>()
  /** Our tickets by id hex, with their wire bytes. */
  readonly tickets = new Map<string, { ticket: Ticket; bytes: Uint8Array }>()
  /** Store labels by group id hex (only collection groups have one). */
  readonly stores = new Map<string, string>()
  readonly startedAt = Date.now()
  readonly #peerId: PeerId
  readonly #network: string

  constructor(peerId: PeerId, network: string) {
    this.#peerId = peerId
    this.#network = network
  }

  /** Throws a `RangeError` when one more stream would not fit in an entry. */
  checkStream(): void {
    if (this.streams.size >= MAX_STREAMS_PER_ENTRY)
      throw new RangeError(`a peer announces at most ${MAX_STREAMS_PER_ENTRY} streams`)
  }

  /** The ticket's wire bytes; throws a `RangeError` when it (or one more ticket) would not fit. */
  ticketBytes(ticket: Ticket): Uint8Array {
    const bytes = encodeTicket(ticket)
    if (bytes.length > MAX_TICKET_BYTES)
      throw new RangeError(`a ticket of ${bytes.length} bytes is larger than ${MAX_TICKET_BYTES}`)
    if (this.tickets.size >= MAX_TICKETS_PER_ENTRY)
      throw new RangeError(`an entry carries at most ${MAX_TICKETS_PER_ENTRY} tickets`)
    return bytes
  }

  build(addresses: string[], updatedAt: number): PeerEntry {
    return {
      peerId: this.#peerId,
      network: this.#network,
      addresses,
      tags: [...this.tags].sort(),
      groups: [...this.groups].sort(),
      ...(this.streams.size > 0 && { streams: [...this.streams].sort() }),
      ...(this.stores.size > 0 && { stores: [...this.stores.values()].sort().slice(0, MAX_STORE_LABELS) }),
      tickets: [...this.tickets.keys()].sort().map((id) => (this.tickets.get(id) as { bytes: Uint8Array }).bytes),
      startedAt: this.startedAt,
      updatedAt,
    }
  }
}
