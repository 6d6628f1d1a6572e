import { blake3 } from '@noble/hashes/blake3.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { PeerId } from '../core/id.js'
import type { DiscoveryEvent, PeerEntry } from '../network/types.js'
import { compareVersions, contentChanged, type SignedEntry } from './entry.js'

/** What `Catalog.apply` did with a verified entry. */
export type ApplyResult =
  /**
   * `evicted`: the entry that gave way to a new peer's (the catalog was full); listeners hear
   * of it as `departed`, before the new peer's `discovered`.
   */
  | { readonly kind: 'event'; readonly event: DiscoveryEvent; readonly evicted?: PeerEntry }
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
  /** When (our clock) each peer's latest version arrived: freshness never trusts their clock. */
  readonly #seenAt = new Map<PeerId, number>()
  readonly #tombstones = new Map<PeerId, PeerEntry>()
  /** Digests of the wire bytes we hold, so an identical copy is known before it is verified again. */
  readonly #digests = new Set<string>()
  readonly #maxPeers: number
  readonly #keep: (peer: PeerId) => boolean
  #snapshot: ReadonlyMap<PeerId, PeerEntry> | undefined

  /**
   * `maxPeers`: entries kept at most; when full, a new peer's entry takes the place of the one
   * heard from least recently among those `keep` does not protect (discovery protects peers
   * we are connected to), or is refused when every entry is protected.
   */
  constructor(self: PeerId, maxPeers = Number.POSITIVE_INFINITY, keep: (peer: PeerId) => boolean = () => false) {
    this.#self = self
    this.#maxPeers = maxPeers
    this.#keep = keep
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

  /**
   * True when these exact wire bytes are what we hold for their peer: a copy of an entry
   * already verified and applied, which would change nothing (so it is not verified again).
   */
  holds(bytes: Uint8Array): boolean {
    return this.#digests.has(digest(bytes))
  }

  /** Wire bytes of every known entry, to hand to a peer in a catalog exchange. */
  signedBytes(): Uint8Array[] {
    return [...this.#entries.values()].map((e) => e.bytes)
  }

  /** Applies a verified entry received at `now` (our clock; only differences of it are used). */
  apply(signed: SignedEntry, now = 0): ApplyResult {
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
      if (this.#tombstones.size >= this.#maxPeers && !this.#tombstones.has(entry.peerId)) this.#evictTombstone()
      this.#tombstones.set(entry.peerId, entry)
      this.#seenAt.set(entry.peerId, now)
      if (!known) return { kind: 'duplicate' }
      this.#delete(entry.peerId)
      return { kind: 'event', event: { type: 'departed', entry: known.entry } }
    }
    let evicted: PeerEntry | undefined
    if (!known && this.#entries.size >= this.#maxPeers) {
      const peer = this.#evictable()
      if (peer === undefined) return { kind: 'outdated' }
      evicted = this.#entries.get(peer)?.entry
      this.#delete(peer)
      this.evicted++
    }
    this.#tombstones.delete(entry.peerId)
    if (known) this.#digests.delete(digest(known.bytes))
    this.#digests.add(digest(signed.bytes))
    this.#entries.set(entry.peerId, signed)
    this.#seenAt.set(entry.peerId, now)
    if (!known) {
      this.#snapshot = undefined
      const event = { type: 'discovered', entry } as const
      return evicted ? { kind: 'event', event, evicted } : { kind: 'event', event }
    }
    this.#snapshot = undefined
    if (contentChanged(known.entry, entry)) {
      return { kind: 'event', event: { type: 'updated', entry, previous: known.entry } }
    }
    return { kind: 'refreshed', entry }
  }

  /** Entries evicted to make room for new peers (the catalog was full). */
  evicted = 0

  /** Removes entries whose latest version arrived before `now - maxAgeMs` (our clock) and returns their departures. */
  purge(now: number, maxAgeMs: number): DiscoveryEvent[] {
    const out: DiscoveryEvent[] = []
    for (const [peer, signed] of this.#entries) {
      if ((this.#seenAt.get(peer) ?? now) < now - maxAgeMs) {
        this.#delete(peer)
        out.push({ type: 'departed', entry: signed.entry })
      }
    }
    for (const peer of this.#tombstones.keys()) {
      if ((this.#seenAt.get(peer) ?? now) < now - maxAgeMs) {
        this.#tombstones.delete(peer)
        this.#seenAt.delete(peer)
      }
    }
    return out
  }

  /** The peer heard from least recently: it gives way to a new one when the catalog is full. */
  #evictable(): PeerId | undefined {
    let oldest: PeerId | undefined
    let at = Number.POSITIVE_INFINITY
    for (const peer of this.#entries.keys()) {
      if (this.#keep(peer)) continue
      const seen = this.#seenAt.get(peer) ?? 0
      if (seen < at) [oldest, at] = [peer, seen]
    }
    return oldest
  }

  #evictTombstone(): void {
    const first = this.#tombstones.keys().next()
    if (!first.done) {
      this.#tombstones.delete(first.value)
      if (!this.#entries.has(first.value)) this.#seenAt.delete(first.value)
    }
  }

  clear(): void {
    this.#entries.clear()
    this.#digests.clear()
    this.#seenAt.clear()
    this.#tombstones.clear()
    this.#snapshot = undefined
  }

  #delete(peer: PeerId): void {
    const known = this.#entries.get(peer)
    if (known) this.#digests.delete(digest(known.bytes))
    this.#entries.delete(peer)
    if (!this.#tombstones.has(peer)) this.#seenAt.delete(peer)
    this.#snapshot = undefined
  }
}

const digest = (bytes: Uint8Array): string => bytesToHex(blake3(bytes, { dkLen: 16 }))
