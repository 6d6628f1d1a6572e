import type { PeerId } from '../../core/id.js'
import type { TimerHandle } from '../timers.js'
import type { Snapshot } from '../types.js'
import type { SyncHost } from './host.js'
import type { LineageView } from './lineage.js'
import type { SyncMessage } from './messages.js'

/** What an offer says of the entry at its index besides the term (see `SyncMessage` `offer`). */
export interface OfferTags {
  readonly leader?: string | undefined
  readonly lineage?: LineageView | undefined
}

interface Held {
  readonly term: number
  /** `Entry.leader` of the entry at the held index and the lineage up to it, when known. */
  readonly tags: OfferTags
  readonly snapshot: Snapshot<unknown>
  /** The laggard whose request made us take it. */
  readonly by: PeerId
  /** The laggard may still need the log after it (see `floor`). */
  pinned: boolean
  /** Its offer found no bond to the laggard: it is sent when one comes up. */
  unsent: boolean
  expiry: TimerHandle
}

/**
 * The serving half of mosaik's SnapshotSync, on every member: when the `snap` entry a
 * laggard asked for commits here, the state at that index is kept for `snapshotTtl`
 * (refreshed by each fetch) and offered to the laggard; fetches are answered in batches
 * of at most `fetchBatchSize` items.
 */
export class SnapshotProvider {
  readonly #host: SyncHost
  readonly #held = new Map<number, Held>()
  /** When the leader last replicated a snapshot request per laggard (dedupe). */
  readonly #requested = new Map<PeerId, number>()

  constructor(host: SyncHost) {
    this.#host = host
  }

  /**
   * The leader got a `request` from `from`: true when a new `snap` entry should be
   * replicated (at most one per laggard per TTL).
   */
  shouldReplicate(from: PeerId): boolean {
    const now = this.#host.timers.clock.now()
    const last = this.#requested.get(from)
    if (last !== undefined && now - last < this.#host.config.snapshotTtl) return false
    this.#requested.set(from, now)
    return true
  }

  /** The `snap` entry requested by `by` committed at `index`: hold the state as it is now. */
  hold(index: number, term: number, by: PeerId, snapshot: Snapshot<unknown>, tags: OfferTags = {}): void {
    const existing = this.#held.get(index)
    if (existing) this.#host.timers.cancel(existing.expiry)
    const remote = by !== this.#host.local
    const held: Held = { term, tags, snapshot, by, pinned: remote, unsent: false, expiry: this.#expire(index) }
    this.#held.set(index, held)
    if (remote) held.unsent = !this.#host.send(by, offerOf(index, held))
  }

  /**
   * A bond to `peer` came up: snapshots held for it whose offer found no bond are offered
   * now. An offer that was sent is not repeated: a laggard no longer syncing counts an
   * offer as refused input (an offer lost on a replaced bond is made up for by the
   * laggard, which asks the leader again and gets the held snapshot re-offered).
   */
  peerUp(peer: PeerId): void {
    for (const [index, held] of this.#held)
      if (held.by === peer && held.unsent) held.unsent = !this.#host.send(peer, offerOf(index, held))
  }

  /** Offers `to` the latest snapshot still held, if any (a repeated request within the TTL). */
  reoffer(to: PeerId): void {
    let latest: number | undefined
    for (const i of this.#held.keys()) if (latest === undefined || i > latest) latest = i
    const held = latest === undefined ? undefined : this.#held.get(latest)
    if (latest === undefined || !held) return
    this.#host.send(to, offerOf(latest, held))
  }

  /** A laggard asks for items of a snapshot we hold. */
  fetch(from: PeerId, m: Extract<SyncMessage, { type: 'fetch' }>): void {
    const held = this.#held.get(m.index)
    if (!held) {
      this.#host.send(from, { type: 'data', index: m.index, start: m.start, items: undefined })
      return
    }
    this.#host.timers.cancel(held.expiry)
    held.expiry = this.#expire(m.index)
    let n = Math.max(0, Math.min(m.end, m.start + this.#host.config.fetchBatchSize, held.snapshot.length) - m.start)
    // A batch too large for one frame is answered short; the fetcher asks for the rest.
    for (;;) {
      const items = n > 0 ? held.snapshot.range(m.start, m.start + n) : []
      try {
        this.#host.send(from, { type: 'data', index: m.index, start: m.start, items })
        return
      } catch (err) {
        if (n <= 1) {
          console.error('mosaik-react: a snapshot item does not fit in a frame', err)
          this.#host.send(from, { type: 'data', index: m.index, start: m.start, items: undefined })
          return
        }
        n = Math.ceil(n / 2)
      }
    }
  }

  /**
   * The lowest index of a snapshot still held for a laggard that may need the log after it
   * (its bond is up). Snapshots of a laggard that left stay offered until they expire but no
   * longer hold the log back (the driver also caps how far a floor holds it).
   */
  floor(): number | undefined {
    let min: number | undefined
    for (const [i, h] of this.#held) if (h.pinned && (min === undefined || i < min)) min = i
    return min
  }

  /** `peer`'s bond went down: snapshots taken for it no longer hold the log back. */
  peerDown(peer: PeerId): void {
    for (const h of this.#held.values()) if (h.by === peer) h.pinned = false
  }

  get held(): number {
    return this.#held.size
  }

  clear(): void {
    for (const h of this.#held.values()) this.#host.timers.cancel(h.expiry)
    this.#held.clear()
    this.#requested.clear()
  }

  #expire(index: number): TimerHandle {
    return this.#host.timers.after(this.#host.config.snapshotTtl, () => this.#held.delete(index))
  }
}

function offerOf(index: number, held: Held): SyncMessage {
  const { leader, lineage } = held.tags
  return {
    type: 'offer',
    index,
    term: held.term,
    items: held.snapshot.length,
    ...(leader === undefined ? {} : { leader }),
    ...(lineage === undefined ? {} : { lineage }),
  }
}
