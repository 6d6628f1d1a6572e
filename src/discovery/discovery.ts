import type { IdentifyResult, PeerId as Libp2pPeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { RejectReason } from '../core/errors.js'
import { type IdLike, type PeerId, UniqueId } from '../core/id.js'
import { Emitter } from '../core/watch.js'
import type { DiscoveryEvent, PeerEntry, Surroundings } from '../network/types.js'
import { type Ticket, type TicketClass, ticketId } from '../tickets/ticket.js'
import { dialable } from './address-policy.js'
import { EntryAdmission } from './admission.js'
import { Catalog } from './catalog.js'
import { DEFAULT_DISCOVERY, type DiscoveryConfig, type DiscoveryHost, type DiscoveryService } from './config.js'
import { connectedTo } from './connected.js'
import { PeerDialer } from './dialer.js'
import { type SignedEntry, signEntry } from './entry.js'
import { CatalogExchange } from './exchange.js'
import { AnnounceFlood, MAX_HOPS, PushBudget } from './flood.js'
import { LocalEntry } from './local-entry.js'
import { SurroundingsTracker } from './surroundings.js'

export function createDiscovery(
  host: DiscoveryHost,
  key: PrivateKey,
  config: Partial<DiscoveryConfig> = {},
): DiscoveryService {
  return new PeerDiscovery(host, key, { ...DEFAULT_DISCOVERY, ...config })
}

/**
 * mosaik's discovery on libp2p: two peers that connect swap full catalogs over
 * `/mosaik/<net>/catalog/1`, so peers behind a relay learn each other from it; each peer
 * signs its entry and pushes it to its direct neighbours every few seconds (with jitter) and
 * at once when it changes, and every entry accepted for the first time at its version is
 * pushed on (flood.ts), so a newcomer's entry reaches the whole network one push after its
 * first exchange. Entries are verified before they count or travel further; stale ones are
 * purged; a graceful stop sends a signed departure notice.
 */
class PeerDiscovery implements DiscoveryService {
  readonly #host: DiscoveryHost
  readonly #key: PrivateKey
  readonly #config: DiscoveryConfig
  readonly #catalog: Catalog
  readonly #events = new Emitter<DiscoveryEvent>()
  readonly #admission: EntryAdmission
  readonly #dialer: PeerDialer
  readonly #exchange: CatalogExchange
  readonly #flood: AnnounceFlood
  readonly #budget: PushBudget
  readonly #local: LocalEntry
  readonly #around = new SurroundingsTracker()
  #recheckQueued = false
  #self: PeerEntry
  #timer: ReturnType<typeof setTimeout> | undefined
  #announceQueued = false
  #state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle'
  #stopping: Promise<void> | undefined

  constructor(host: DiscoveryHost, key: PrivateKey, config: DiscoveryConfig) {
    this.#host = host
    this.#key = key
    this.#config = config
    this.#admission = new EntryAdmission(host, config)
    this.#catalog = new Catalog(host.peerId, config.maxPeers, (peer) => this.#connected(peer))
    this.#dialer = new PeerDialer(host.libp2p, config.dial, undefined, config.dialPrivate)
    this.#exchange = new CatalogExchange(host, config, {
      entries: () => this.#catalog.signedBytes(),
      self: () => signEntry(this.#key, this.#refreshSelf()),
      ingest: (bytes, remote, protocol, hops) => this.#ingest(bytes, remote, protocol, hops),
      admitPush: (remote, n) => this.#budget.take(remote, n),
      count: (reason) => this.#admission.count(reason),
      ...(config.requireTicket.length > 0 && { mayServe: (remote: PeerId) => this.#catalog.get(remote) !== undefined }),
    })
    this.#budget = new PushBudget(config.pushBurst, config.pushPerSecond)
    this.#flood = new AnnounceFlood({
      targets: () => this.#pushTargets(),
      push: (peer, entries, hops) => this.#exchange.push(peer, entries, hops),
    })
    this.#local = new LocalEntry(host.peerId, host.id.toString())
    for (const t of config.tags) this.#local.tags.add(UniqueId.from(t).toString())
    this.#self = this.#local.build(this.#host.addresses(), this.#local.startedAt)
  }

  /** The protocol announces travel on (pushes of the catalog protocol). */
  get topic(): string {
    return this.#exchange.protocol
  }

  self(): PeerEntry {
    return this.#self
  }

  catalog(): ReadonlyMap<PeerId, PeerEntry> {
    return this.#catalog.snapshot()
  }

  onEvent(listener: (event: DiscoveryEvent) => void): () => void {
    return this.#events.on(listener)
  }

  addTags(...tags: IdLike[]): void {
    this.#change(() => {
      for (const t of tags) this.#local.tags.add(UniqueId.from(t).toString())
    })
  }

  removeTags(...tags: IdLike[]): void {
    this.#change(() => {
      for (const t of tags) this.#local.tags.delete(UniqueId.from(t).toString())
    })
  }

  joinGroup(groupId: IdLike, storeLabel?: string): void {
    const g = UniqueId.from(groupId).toString()
    this.#change(() => {
      this.#local.groups.add(g)
      if (storeLabel) this.#local.stores.set(g, storeLabel)
    })
    if (storeLabel)
      for (const e of this.#catalog.snapshot().values()) this.#admission.checkStores(this.#local.stores, e)
    this.#around.joined(groupId)
    this.#recheck()
  }

  leaveGroup(groupId: IdLike): void {
    const g = UniqueId.from(groupId).toString()
    this.#change(() => {
      this.#local.groups.delete(g)
      this.#local.stores.delete(g)
    })
    this.#around.left(groupId)
  }

  surroundings(groupId: IdLike): Surroundings {
    return this.#around.surroundings(groupId)
  }

  onSurroundingsChange(listener: () => void): () => void {
    return this.#around.onChange(listener)
  }

  hearFromAll(groupId: IdLike): void {
    if (this.#state !== 'running') return
    for (const peer of this.#around.unheard(groupId)) this.#exchangeWith(peer)
  }

  trackDial(dial: Promise<unknown>): void {
    this.#around.dialing(dial)
  }

  peersInGroup(groupId: IdLike): PeerId[] {
    const g = UniqueId.from(groupId).toString()
    return [...this.#catalog.snapshot().values()].filter((e) => e.groups.includes(g)).map((e) => e.peerId)
  }

  addStream(streamId: IdLike): void {
    const id = UniqueId.from(streamId).toString()
    if (this.#local.streams.has(id)) return
    this.#local.checkStream()
    this.#change(() => this.#local.streams.add(id))
  }

  removeStream(streamId: IdLike): void {
    const id = UniqueId.from(streamId).toString()
    if (this.#local.streams.has(id)) this.#change(() => this.#local.streams.delete(id))
  }

  peersWithStream(streamId: IdLike): PeerId[] {
    const s = UniqueId.from(streamId).toString()
    return [...this.#catalog.snapshot().values()].filter((e) => e.streams?.includes(s)).map((e) => e.peerId)
  }

  addTicket(ticket: Ticket): void {
    const id = ticketId(ticket).toString()
    if (this.#local.tickets.has(id)) return
    const bytes = this.#local.ticketBytes(ticket)
    this.#change(() => this.#local.tickets.set(id, { ticket, bytes }))
  }

  removeTicket(id: IdLike): void {
    const key = UniqueId.from(id).toString()
    if (this.#local.tickets.has(key)) this.#change(() => this.#local.tickets.delete(key))
  }

  removeTicketsOf(ticketClass: TicketClass | IdLike): void {
    const c = UniqueId.from(ticketClass)
    const gone = [...this.#local.tickets].filter(([, t]) => t.ticket.class.equals(c)).map(([id]) => id)
    if (gone.length === 0) return
    this.#change(() => {
      for (const id of gone) this.#local.tickets.delete(id)
    })
  }

  tickets(): Ticket[] {
    return [...this.#local.tickets.values()].map((t) => t.ticket)
  }

  rejected(): Readonly<Partial<Record<RejectReason, number>>> {
    return this.#admission.rejected()
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return
    this.#state = 'running'
    const { libp2p } = this.#host
    libp2p.addEventListener('peer:connect', this.#onConnect)
    libp2p.addEventListener('peer:identify', this.#onIdentify)
    libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    libp2p.addEventListener('self:peer:update', this.#onSelfUpdate)
    // self:peer:update comes 1 s after a listener (a relay reservation) changes our addresses
    // (libp2p debounces it); a peer waiting to dial us should not wait that second.
    libp2p.addEventListener('transport:listening', this.#onSelfUpdate)
    libp2p.addEventListener('transport:close', this.#onSelfUpdate)
    for (const peer of libp2p.getPeers()) this.#around.connected(peer.toString())
    this.#exchange.start()
    this.#schedule()
    await this.announce()
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async announce(): Promise<void> {
    if (this.#state !== 'running') return
    const bytes = await signEntry(this.#key, this.#refreshSelf())
    if (this.#state === 'running') this.#flood.send(this.#host.peerId, bytes, MAX_HOPS)
  }

  async #stop(): Promise<void> {
    if (this.#state !== 'running') {
      this.#state = 'stopped'
      return
    }
    this.#state = 'stopping'
    clearTimeout(this.#timer)
    this.#dialer.stop()
    const { libp2p } = this.#host
    this.#flood.stop()
    libp2p.removeEventListener('peer:connect', this.#onConnect)
    libp2p.removeEventListener('peer:identify', this.#onIdentify)
    libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    libp2p.removeEventListener('self:peer:update', this.#onSelfUpdate)
    libp2p.removeEventListener('transport:listening', this.#onSelfUpdate)
    libp2p.removeEventListener('transport:close', this.#onSelfUpdate)
    // libp2p may already be down (stopped under us): then there is no one to tell.
    if (libp2p.status === 'started') {
      // Graceful departure (mosaik's departure window): tell everyone we can reach, bounded.
      const farewell = await signEntry(this.#key, this.#refreshSelf(), true)
      await this.#exchange.pushTo([...this.#catalog.snapshot().keys()], farewell, MAX_HOPS)
      this.#exchange.stop()
    }
    this.#catalog.clear()
    this.#around.clear()
    this.#events.clear()
    this.#state = 'stopped'
  }

  #schedule(): void {
    const { announceIntervalMs: base, announceJitter: j } = this.#config
    const delay = base * (1 - j + Math.random() * 2 * j)
    this.#timer = setTimeout(() => {
      if (this.#state !== 'running') return
      for (const event of this.#catalog.purge(Date.now(), this.#config.purgeAfterMs)) this.#emit(event)
      void this.announce()
      this.#schedule()
    }, delay)
  }

  /** Applies a local change and announces it once, at the end of the current task. */
  #change(mutate: () => void): void {
    const before = this.#self
    mutate()
    this.#self = this.#local.build(this.#host.addresses(), before.updatedAt)
    if (this.#state !== 'running' || this.#announceQueued) return
    this.#announceQueued = true
    queueMicrotask(() => {
      this.#announceQueued = false
      void this.announce()
    })
  }

  /**
   * A group was joined: swap catalogs again with every connected peer that speaks the protocol
   * (what we heard before the join may predate the peer's own join, and the peer must see ours).
   * Once per task, however many groups were joined in it.
   */
  #recheck(): void {
    if (this.#state !== 'running' || this.#recheckQueued) return
    this.#recheckQueued = true
    queueMicrotask(() => {
      this.#recheckQueued = false
      if (this.#state !== 'running') return
      for (const peer of this.#around.catalogPeers()) this.#exchangeWith(peer)
    })
  }

  /** An exchange of ours, tracked for `surroundings`. */
  #exchangeWith(peer: PeerId): void {
    const ended = this.#around.exchangeStarted(peer)
    void this.#exchange.exchangeWith(peer).then(ended)
  }

  #refreshSelf(): PeerEntry {
    this.#self = this.#local.build(this.#host.addresses(), Math.max(this.#self.updatedAt + 1, Date.now()))
    return this.#self
  }

  /** `hops`: how many more times a push said the entry may travel (undefined: learnt by exchange, as many as we allow). */
  async #ingest(bytes: Uint8Array, remote: PeerId, protocol: string, hops?: number): Promise<void> {
    // An identical copy of what we hold (a flood reaching us by a second path) changes nothing.
    if (bytes instanceof Uint8Array && this.#catalog.holds(bytes)) return
    const result = await this.#admission.verify(bytes)
    if (this.#state !== 'running') return
    if (!result.ok) {
      this.#admission.reject(result.reason, result.detail, remote, protocol)
      return
    }
    const refused = await this.#admission.ticketRefusal(result)
    if (refused !== undefined) {
      if (this.#state === 'running') this.#admission.reject('unauthorized', refused, remote, protocol)
      return
    }
    this.#apply(result, remote, hops)
  }

  #apply(result: SignedEntry, from: PeerId, hops = MAX_HOPS): void {
    const applied = this.#catalog.apply(result, Date.now())
    if (applied.kind === 'outdated' || applied.kind === 'duplicate') return
    // A version we hold for the first time travels on (a checked entry only: bad ones stop here).
    if (hops > 0) this.#flood.send(result.entry.peerId, result.bytes, Math.min(hops, MAX_HOPS) - 1, from)
    if (applied.kind === 'refreshed') this.#considerDial(applied.entry)
    if (applied.kind !== 'event') return
    // A peer forgotten to make room departs for every listener (links, dials, checks held for it).
    if (applied.evicted) this.#emit({ type: 'departed', entry: applied.evicted })
    this.#emit(applied.event)
  }

  #emit(event: DiscoveryEvent): void {
    const peer = event.entry.peerId
    if (event.type === 'departed') this.#dialer.forget(peer)
    else {
      // Only addresses the dial policy allows reach the peer store (libp2p dials from it).
      const policy = { dialPrivate: this.#config.dialPrivate, connectedTo: (p: string) => this.#connected(p) }
      const addrs = dialable(event.entry.addresses, policy)
      this.#host.libp2p.peerStore.merge(peerIdFromString(peer), { multiaddrs: addrs }).catch(() => {})
      this.#considerDial(event.entry)
      this.#admission.checkStores(this.#local.stores, event.entry)
    }
    this.#host.emitTelemetry({
      type: `discovery.${event.type}`,
      at: performance.now(),
      peer: this.#host.peerId,
      remote: peer,
    })
    this.#events.emit(event)
  }

  /** Direct neighbours speaking the catalog protocol (and, with `requireTicket`, admitted). */
  #pushTargets(): PeerId[] {
    const admitted = (peer: PeerId) => this.#config.requireTicket.length === 0 || this.#catalog.has(peer)
    return this.#around.catalogPeers().filter((peer) => admitted(peer) && this.#connected(peer, true))
  }

  #considerDial(entry: PeerEntry): void {
    if (this.#config.dialPeers && this.#state === 'running') this.#dialer.consider(entry)
  }

  /** An open connection to `peer` (`direct`: not a relayed, data-capped one). */
  #connected(peer: string, direct = false): boolean {
    return connectedTo(this.#host.libp2p, peer, direct)
  }

  readonly #onConnect = (e: CustomEvent<Libp2pPeerId>): void => {
    this.#around.connected(e.detail.toString())
  }

  // The dialing side starts the exchange. (A group member waiting to hear from a peer that
  // dialed us asks for one of its own: `hearFromAll`.)
  readonly #onIdentify = (e: CustomEvent<IdentifyResult>): void => {
    const { protocols, connection, peerId } = e.detail
    const peer = peerId.toString()
    const speaks = protocols.includes(this.#exchange.protocol)
    this.#around.connected(peer)
    this.#around.identified(peer, speaks)
    if (speaks && connection.direction === 'outbound') this.#exchangeWith(peer)
  }

  readonly #onDisconnect = (e: CustomEvent<Libp2pPeerId>): void => {
    this.#around.disconnected(e.detail.toString())
    const known = this.#catalog.get(e.detail.toString())
    if (known) this.#considerDial(known.entry)
  }

  readonly #onSelfUpdate = (): void => {
    const addrs = this.#host.addresses()
    if (addrs.join() !== this.#self.addresses.join()) this.#change(() => {})
  }
}
