import { type IdLike, type PeerId, toId } from '../../../../src/core/id.js'
import type { Discovery, DiscoveryEvent, PeerEntry, Surroundings } from '../../../../src/network/types.js'
import type { Ticket } from '../../../../src/tickets/ticket.js'

/** What a simulated discovery needs from the simulated network. */
export interface DiscoveryHost {
  readonly now: () => number
  /** Peers this process is connected to now (alive and on its side of any partition). */
  connected(): PeerId[]
  /** Spread our new entry to every other process, each after a seeded delay. */
  announce(entry: PeerEntry): void
}

/**
 * Discovery for one simulated process: a catalog of the entries announced by the others
 * (delivered by the network with seeded delays), events on every change, and `surroundings`
 * built from the connected peers (a peer whose entry arrived is `heard`, else `exchanging`).
 */
export class SimDiscovery implements Discovery {
  readonly #host: DiscoveryHost
  #entry: PeerEntry
  readonly #catalog = new Map<PeerId, PeerEntry>()
  readonly #listeners = new Set<(e: DiscoveryEvent) => void>()
  readonly #surroundingsListeners = new Set<() => void>()
  #dead = false

  constructor(host: DiscoveryHost, peerId: PeerId, startedAt: number) {
    this.#host = host
    this.#entry = {
      peerId,
      network: 'sim',
      addresses: [],
      tags: [],
      groups: [],
      tickets: [],
      startedAt,
      updatedAt: startedAt,
    }
  }

  /** The process died: nothing more is heard or announced. */
  kill(): void {
    this.#dead = true
    this.#listeners.clear()
    this.#surroundingsListeners.clear()
  }

  /** An entry (or its newer version) arrived. */
  receive(entry: PeerEntry): void {
    if (this.#dead || entry.peerId === this.#entry.peerId) return
    const previous = this.#catalog.get(entry.peerId)
    if (previous && previous.updatedAt >= entry.updatedAt) return
    this.#catalog.set(entry.peerId, entry)
    this.#emit(previous ? { type: 'updated', entry, previous } : { type: 'discovered', entry })
    this.changed()
  }

  /** The entry of a peer gone silent for long was purged. */
  purge(peer: PeerId): void {
    const entry = this.#catalog.get(peer)
    if (this.#dead || !entry) return
    this.#catalog.delete(peer)
    this.#emit({ type: 'departed', entry })
    this.changed()
  }

  /** Connectivity or the catalog changed: `surroundings` may read differently. */
  changed(): void {
    if (this.#dead) return
    for (const l of [...this.#surroundingsListeners]) l()
  }

  self(): PeerEntry {
    return this.#entry
  }

  catalog(): ReadonlyMap<PeerId, PeerEntry> {
    return this.#catalog
  }

  onEvent(listener: (event: DiscoveryEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  addTags(..._tags: IdLike[]): void {}
  removeTags(..._tags: IdLike[]): void {}

  joinGroup(groupId: IdLike): void {
    const hex = toId(groupId).toString()
    if (!this.#entry.groups.includes(hex)) this.#update({ groups: [...this.#entry.groups, hex] })
  }

  leaveGroup(groupId: IdLike): void {
    const hex = toId(groupId).toString()
    this.#update({ groups: this.#entry.groups.filter((g) => g !== hex) })
  }

  peersInGroup(groupId: IdLike): PeerId[] {
    const hex = toId(groupId).toString()
    return [...this.#catalog.values()].filter((e) => e.groups.includes(hex)).map((e) => e.peerId)
  }

  addStream(_streamId: IdLike): void {}
  removeStream(_streamId: IdLike): void {}
  peersWithStream(_streamId: IdLike): PeerId[] {
    return []
  }

  surroundings(_groupId: IdLike): Surroundings {
    const now = this.#host.now()
    return {
      dialing: 0,
      peers: this.#host.connected().map((peer) => ({
        peer,
        waitedMs: now - this.#entry.startedAt,
        stage: this.#catalog.has(peer) ? 'heard' : 'exchanging',
      })),
    }
  }

  onSurroundingsChange(listener: () => void): () => void {
    this.#surroundingsListeners.add(listener)
    return () => this.#surroundingsListeners.delete(listener)
  }

  hearFromAll(_groupId: IdLike): void {}

  addTicket(_ticket: Ticket): void {
    throw new Error('the simulated discovery carries no tickets')
  }
  removeTicket(_id: IdLike): void {}
  removeTicketsOf(): void {}
  tickets(): Ticket[] {
    return []
  }

  #update(change: Partial<PeerEntry>): void {
    if (this.#dead) return
    const now = this.#host.now()
    this.#entry = { ...this.#entry, ...change, updatedAt: Math.max(now, this.#entry.updatedAt + 1e-3) }
    this.#host.announce(this.#entry)
  }

  #emit(e: DiscoveryEvent): void {
    for (const l of [...this.#listeners]) l(e)
  }
}
