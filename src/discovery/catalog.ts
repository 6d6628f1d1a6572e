import type { PeerId } from '../core/id.js'
import type { DiscoveryEvent, PeerEntry } from '../network/types.js'
import { compareVersions, contentChanged, type SignedEntry } from './entry.js'

/** What `Catalog.apply` did with a verified entry. */
export type ApplyResult =
  | { readonly kind: 'event'; readonly event: DiscoveryEvent }
  /** Newer version, same content: the peer is alive; nothing visible changed. */
  | { readonly kind: 'refreshed'; readonly entry: PeerEntry }
  /** Same version as known, or about a peer that already departed at that version. */
  | { readonly kind: 'duplicate' }
  /** Older than the version we hold. */
  | { readonly kind: 'outdated' }

/**
 * The verified entries of other peers, keyed by peer id: a pure state machine with no
 * clock of its own (callers pass wall-clock `now`). Newer versions replace older ones
 * (`startedAt`, then `updatedAt`); a departure notice removes the peer and leaves a
 * tombstone so an older copy relayed later cannot bring it back.
 */
export class Catalog {
  readonly #self: PeerId
  readonly #entries = new Map<PeerId, SignedEntry>()
  readonly #tombstones = new Map<PeerId, PeerEntry>()
  #snapshot: ReadonlyMap<PeerId, PeerEntry> | undefined

  constructor(self: PeerId) {
    this.#self = self
  }

  /** Immutable view; keeps its identity until the catalog changes. */
  snapshot(): ReadonlyMap<PeerId, PeerEntry> {
    this.#snapshot ??= new Map([...this.#entries].map(([k, v]) => [k, v.entry]))
    return this.#snapshot
  }

  get(peer: PeerId): SignedEntry | undefined {
    return this.#entries.get(peer)
  }

  has(peer: PeerId): boolean {
    return this.#entries.has(peer)
  }

  /** Wire bytes of every known entry, to hand to a peer in a catalog exchange. */
  signedBytes(): Uint8Array[] {
    return [...this.#entries.values()].map((e) => e.bytes)
  }

  apply(signed: SignedEntry): ApplyResult {
    const { entry } = signed
    if (entry.peerId === this.#self) return { kind: 'duplicate' }
    const tomb = this.#tombstones.get(entry.peerId)
    if (tomb && compareVersions(entry, tomb) <= 0) return { kind: 'duplicate' }
    const known = this.#entries.get(entry.peerId)
    if (known) {
      const order = compareVersions(entry, known.entry)
      if (order === 0) return { kind: 'duplicate' }
      if (order < 0) return { kind: 'outdated' }
    }
    if (signed.leaving) {
      this.#tombstones.set(entry.peerId, entry)
      if (!known) return { kind: 'duplicate' }
      this.#delete(entry.peerId)
      return { kind: 'event', event: { type: 'departed', entry: known.entry } }
    }
    this.#tombstones.delete(entry.peerId)
    this.#entries.set(entry.peerId, signed)
    if (!known) {
      this.#snapshot = undefined
      return { kind: 'event', event: { type: 'discovered', entry } }
    }
    this.#snapshot = undefined
    if (contentChanged(known.entry, entry)) {
      return { kind: 'event', event: { type: 'updated', entry, previous: known.entry } }
    }
    return { kind: 'refreshed', entry }
  }

  /** Removes entries not updated since `now - maxAgeMs` and returns their departures. */
  purge(now: number, maxAgeMs: number): DiscoveryEvent[] {
    const out: DiscoveryEvent[] = []
    for (const [peer, signed] of this.#entries) {
      if (signed.entry.updatedAt < now - maxAgeMs) {
        this.#delete(peer)
        out.push({ type: 'departed', entry: signed.entry })
      }
    }
    for (const [peer, tomb] of this.#tombstones) if (tomb.updatedAt < now - maxAgeMs) this.#tombstones.delete(peer)
    return out
  }

  clear(): void {
    this.#entries.clear()
    this.#tombstones.clear()
    this.#snapshot = undefined
  }

  #delete(peer: PeerId): void {
    this.#entries.delete(peer)
    this.#snapshot = undefined
  }
}
