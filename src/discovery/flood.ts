import type { PeerId } from '../core/id.js'

/**
 * Most times an announce is forwarded past the peer that signed it. Versions already held are
 * never forwarded again, so this is only a bound: any network whose peers are within this
 * many hops of each other (a relay's star is two) hears every announce by pushes alone.
 */
export const MAX_HOPS = 8
/** Entries in one push: well under a receiver's `maxCatalogEntries` and `CATALOG_MAX_BYTES`. */
const BATCH_ENTRIES = 256
const BATCH_BYTES = 1024 * 1024

/** What the flood needs from discovery. */
export interface FloodHooks {
  /**
   * Peers to push to now: connected directly (a relayed, data-capped connection is not spent
   * on announces), speaking the catalog protocol, and (with `requireTicket`) admitted.
   */
  targets(): PeerId[]
  /** One push of `entries` to `peer` over the catalog protocol; settles when sent or failed. */
  push(peer: PeerId, entries: Uint8Array[], hops: number): Promise<void>
}

interface Queue {
  /** The newest queued entry of each signer, in the order first queued. */
  readonly entries: Map<PeerId, Uint8Array>
  hops: number
}

/**
 * Discovery's announce flood, in place of gossipsub: a signed entry we accept for the first
 * time at its version (ours, or another peer's that passed every check) is pushed at once to
 * each direct neighbour except the one it came from and its signer. Dedupe is by (signer,
 * version): the catalog accepts each version once, so each crosses a connection at most
 * once in each direction; a hop limit bounds it besides. One push per neighbour is in flight
 * at a time; entries that arrive meanwhile wait in that neighbour's queue (one per signer,
 * the newest replacing older ones: at most one per catalog peer) and leave as one batch.
 *
 * Cost: every peer pushes each new version to all its neighbours, so a full mesh of N peers
 * carries about N² pushes per announce period (duplicates are dropped on arrival by digest,
 * before any signature check). Forwarding to a random few instead (gossipsub's mesh degree)
 * would starve a peer whose only neighbour is a relay; suppressing forwards to neighbours
 * that already hear the signer directly is the way to cut it.
 */
export class AnnounceFlood {
  readonly #hooks: FloodHooks
  readonly #queues = new Map<PeerId, Queue>()
  readonly #sending = new Set<PeerId>()
  #stopped = false

  constructor(hooks: FloodHooks) {
    this.#hooks = hooks
  }

  /** Pushes `bytes`, signed by `signer`, to every target but `from` and `signer`; `hops` left after this one. */
  send(signer: PeerId, bytes: Uint8Array, hops: number, from?: PeerId): void {
    if (this.#stopped || hops <= 0) return
    for (const peer of this.#hooks.targets()) {
      if (peer === from || peer === signer) continue
      let queue = this.#queues.get(peer)
      if (!queue) {
        queue = { entries: new Map(), hops }
        this.#queues.set(peer, queue)
      }
      queue.entries.delete(signer)
      queue.entries.set(signer, bytes)
      // One hop count per push: the largest of its entries (versions, not hops, end a flood).
      queue.hops = Math.max(queue.hops, hops)
      this.#kick(peer)
    }
  }

  /** Drops what is queued; pushes in flight end on their own (each is bounded by the exchange timeout). */
  stop(): void {
    this.#stopped = true
    this.#queues.clear()
  }

  #kick(peer: PeerId): void {
    if (this.#sending.has(peer)) return
    this.#sending.add(peer)
    // At the end of this task, so entries accepted together leave together.
    queueMicrotask(() => void this.#drain(peer))
  }

  async #drain(peer: PeerId): Promise<void> {
    try {
      for (let queue = this.#queues.get(peer); queue && !this.#stopped; queue = this.#queues.get(peer)) {
        const batch: Uint8Array[] = []
        let bytes = 0
        for (const [signer, entry] of queue.entries) {
          if (batch.length >= BATCH_ENTRIES || (batch.length > 0 && bytes + entry.length > BATCH_BYTES)) break
          batch.push(entry)
          bytes += entry.length
          queue.entries.delete(signer)
        }
        const hops = queue.hops
        if (queue.entries.size === 0) this.#queues.delete(peer)
        // A failed push is not retried: the next announce (and the exchange on reconnect) makes up for it.
        await this.#hooks.push(peer, batch, hops).catch(() => {})
      }
    } finally {
      this.#sending.delete(peer)
    }
  }
}

/**
 * A token bucket per peer over the entries it pushes to us: `perSecond` on average, bursts of
 * up to `burst`. Bounded memory: a bucket that has filled up again is forgotten.
 */
export class PushBudget {
  readonly #burst: number
  readonly #perMs: number
  readonly #now: () => number
  readonly #buckets = new Map<PeerId, { tokens: number; at: number }>()

  constructor(burst: number, perSecond: number, now: () => number = () => performance.now()) {
    this.#burst = burst
    this.#perMs = perSecond / 1000
    this.#now = now
  }

  /** How many of `n` entries `peer` may push now; those are taken from its bucket. */
  take(peer: PeerId, n: number): number {
    const now = this.#now()
    const b = this.#buckets.get(peer) ?? { tokens: this.#burst, at: now }
    const tokens = Math.min(this.#burst, b.tokens + (now - b.at) * this.#perMs)
    const allowed = Math.max(0, Math.min(n, Math.floor(tokens)))
    this.#buckets.set(peer, { tokens: tokens - allowed, at: now })
    if (this.#buckets.size > 4_096) this.#forgetFull(now)
    return allowed
  }

  #forgetFull(now: number): void {
    for (const [peer, b] of this.#buckets)
      if (b.tokens + (now - b.at) * this.#perMs >= this.#burst) this.#buckets.delete(peer)
  }
}
