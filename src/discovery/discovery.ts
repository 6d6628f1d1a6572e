import { type Message, type SubscriptionChangeData, TopicValidatorResult } from '@libp2p/gossipsub'
import type { IdentifyResult, PeerId as Libp2pPeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { RejectReason } from '../core/errors.js'
import { type IdLike, type PeerId, UniqueId } from '../core/id.js'
import { Emitter } from '../core/watch.js'
import type { DiscoveryEvent, PeerEntry, Surroundings } from '../network/types.js'
import { authorizePeer, TicketCache } from '../tickets/authorize.js'
import {
  encodeTicket,
  MAX_TICKET_BYTES,
  MAX_TICKETS_PER_ENTRY,
  type Ticket,
  type TicketClass,
  ticketId,
} from '../tickets/ticket.js'
import { mayDial } from './address-policy.js'
import { Catalog } from './catalog.js'
import { DEFAULT_DISCOVERY, type DiscoveryConfig, type DiscoveryHost, type DiscoveryService } from './config.js'
import { PeerDialer } from './dialer.js'
import { MAX_STREAMS_PER_ENTRY, type SignedEntry, signEntry, type VerifyResult, verifyEntry } from './entry.js'
import { CatalogExchange } from './exchange.js'
import { describeMismatch, MAX_STORE_LABELS, storeMismatches } from './store-labels.js'
import { SurroundingsTracker } from './surroundings.js'

export function createDiscovery(
  host: DiscoveryHost,
  key: PrivateKey,
  config: Partial<DiscoveryConfig> = {},
): DiscoveryService {
  return new PeerDiscovery(host, key, { ...DEFAULT_DISCOVERY, ...config })
}

/**
 * mosaik's discovery on libp2p: each peer signs its entry and gossips it on
 * `mosaik/<network hex>/announce` every few seconds (with jitter) and at once when it
 * changes; two peers that connect swap full catalogs over `/mosaik/<net>/catalog/1`, so
 * peers behind a relay learn each other from it. Entries are verified before they count;
 * stale ones are purged; a graceful stop sends a signed departure notice.
 */
class PeerDiscovery implements DiscoveryService {
  readonly topic: string
  readonly #host: DiscoveryHost
  readonly #key: PrivateKey
  readonly #config: DiscoveryConfig
  readonly #catalog: Catalog
  readonly #events = new Emitter<DiscoveryEvent>()
  readonly #rejected = new Map<RejectReason, number>()
  readonly #dialer: PeerDialer
  readonly #exchange: CatalogExchange
  readonly #tags = new Set<string>()
  readonly #groups = new Set<string>()
  readonly #streams = new Set<string>()
  readonly #around = new SurroundingsTracker()
  #recheckQueued = false
  /** Our tickets by id hex, with their wire bytes. */
  readonly #tickets = new Map<string, { ticket: Ticket; bytes: Uint8Array }>()
  /** Store labels by group id hex (only collection groups have one). */
  readonly #stores = new Map<string, string>()
  /** Mismatches already reported (bounded), so each is told once. */
  readonly #mismatches = new Set<string>()
  readonly #startedAt = Date.now()
  /** Validation results of `requireTicket` (none configured: undefined). */
  readonly #ticketCache: TicketCache | undefined
  #self: PeerEntry
  #timer: ReturnType<typeof setTimeout> | undefined
  #announceQueued = false
  #state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle'
  #stopping: Promise<void> | undefined

  constructor(host: DiscoveryHost, key: PrivateKey, config: DiscoveryConfig) {
    this.#host = host
    this.#key = key
    this.#config = config
    this.topic = `mosaik/${host.id.toString()}/announce`
    this.#catalog = new Catalog(host.peerId, config.maxPeers, (peer) => this.#connected(peer))
    this.#dialer = new PeerDialer(host.libp2p, config.dial, undefined, config.dialPrivate)
    this.#exchange = new CatalogExchange(host, config, {
      entries: () => this.#catalog.signedBytes(),
      self: () => signEntry(this.#key, this.#refreshSelf()),
      ingest: (bytes, remote, protocol) => this.#ingest(bytes, remote, protocol),
      count: (reason) => this.#count(reason),
      ...(config.requireTicket.length > 0 && { mayServe: (remote: PeerId) => this.#catalog.get(remote) !== undefined }),
    })
    this.#ticketCache = config.requireTicket.length > 0 ? new TicketCache() : undefined
    for (const t of config.tags) this.#tags.add(UniqueId.from(t).toString())
    this.#self = this.#buildSelf(this.#startedAt)
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
      for (const t of tags) this.#tags.add(UniqueId.from(t).toString())
    })
  }

  removeTags(...tags: IdLike[]): void {
    this.#change(() => {
      for (const t of tags) this.#tags.delete(UniqueId.from(t).toString())
    })
  }

  joinGroup(groupId: IdLike, storeLabel?: string): void {
    const g = UniqueId.from(groupId).toString()
    this.#change(() => {
      this.#groups.add(g)
      if (storeLabel) this.#stores.set(g, storeLabel)
    })
    if (storeLabel) for (const e of this.#catalog.snapshot().values()) this.#checkStores(e)
    this.#around.joined(groupId)
    this.#recheck()
  }

  leaveGroup(groupId: IdLike): void {
    const g = UniqueId.from(groupId).toString()
    this.#change(() => {
      this.#groups.delete(g)
      this.#stores.delete(g)
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
    if (this.#streams.has(id)) return
    if (this.#streams.size >= MAX_STREAMS_PER_ENTRY)
      throw new RangeError(`a peer announces at most ${MAX_STREAMS_PER_ENTRY} streams`)
    this.#change(() => this.#streams.add(id))
  }

  removeStream(streamId: IdLike): void {
    const id = UniqueId.from(streamId).toString()
    if (this.#streams.has(id)) this.#change(() => this.#streams.delete(id))
  }

  peersWithStream(streamId: IdLike): PeerId[] {
    const s = UniqueId.from(streamId).toString()
    return [...this.#catalog.snapshot().values()].filter((e) => e.streams?.includes(s)).map((e) => e.peerId)
  }

  addTicket(ticket: Ticket): void {
    const id = ticketId(ticket).toString()
    if (this.#tickets.has(id)) return
    const bytes = encodeTicket(ticket)
    if (bytes.length > MAX_TICKET_BYTES)
      throw new RangeError(`a ticket of ${bytes.length} bytes is larger than ${MAX_TICKET_BYTES}`)
    if (this.#tickets.size >= MAX_TICKETS_PER_ENTRY)
      throw new RangeError(`an entry carries at most ${MAX_TICKETS_PER_ENTRY} tickets`)
    this.#change(() => this.#tickets.set(id, { ticket, bytes }))
  }

  removeTicket(id: IdLike): void {
    const key = UniqueId.from(id).toString()
    if (this.#tickets.has(key)) this.#change(() => this.#tickets.delete(key))
  }

  removeTicketsOf(ticketClass: TicketClass | IdLike): void {
    const c = UniqueId.from(ticketClass)
    const gone = [...this.#tickets].filter(([, t]) => t.ticket.class.equals(c)).map(([id]) => id)
    if (gone.length === 0) return
    this.#change(() => {
      for (const id of gone) this.#tickets.delete(id)
    })
  }

  tickets(): Ticket[] {
    return [...this.#tickets.values()].map((t) => t.ticket)
  }

  rejected(): Readonly<Partial<Record<RejectReason, number>>> {
    return Object.fromEntries(this.#rejected)
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return
    this.#state = 'running'
    const { libp2p } = this.#host
    libp2p.services.pubsub.topicValidators.set(this.topic, this.#validate)
    libp2p.services.pubsub.subscribe(this.topic)
    libp2p.services.pubsub.addEventListener('message', this.#onGossip)
    libp2p.services.pubsub.addEventListener('subscription-change', this.#onSubscription)
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
    await this.#publish(bytes)
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
    libp2p.services.pubsub.removeEventListener('message', this.#onGossip)
    libp2p.services.pubsub.removeEventListener('subscription-change', this.#onSubscription)
    if (libp2p.services.pubsub.topicValidators.get(this.topic) === this.#validate)
      libp2p.services.pubsub.topicValidators.delete(this.topic)
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
      await Promise.allSettled([
        this.#publish(farewell),
        this.#exchange.pushTo([...this.#catalog.snapshot().keys()], farewell),
      ])
      this.#exchange.stop()
      libp2p.services.pubsub.unsubscribe(this.topic)
    }
    this.#catalog.clear()
    this.#around.clear()
    this.#events.clear()
    this.#state = 'stopped'
  }

  async #publish(bytes: Uint8Array): Promise<void> {
    try {
      await this.#host.libp2p.services.pubsub.publish(this.topic, bytes)
    } catch {
      // No subscribers yet or already stopping: the periodic announce and the catalog
      // exchange on connect make up for a lost announce.
    }
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
    this.#self = this.#buildSelf(before.updatedAt)
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
    this.#self = this.#buildSelf(Math.max(this.#self.updatedAt + 1, Date.now()))
    return this.#self
  }

  #buildSelf(updatedAt: number): PeerEntry {
    return {
      peerId: this.#host.peerId,
      network: this.#host.id.toString(),
      addresses: this.#host.addresses(),
      tags: [...this.#tags].sort(),
      groups: [...this.#groups].sort(),
      ...(this.#streams.size > 0 && { streams: [...this.#streams].sort() }),
      ...(this.#stores.size > 0 && { stores: [...this.#stores.values()].sort().slice(0, MAX_STORE_LABELS) }),
      tickets: [...this.#tickets.keys()].sort().map((id) => (this.#tickets.get(id) as { bytes: Uint8Array }).bytes),
      startedAt: this.#startedAt,
      updatedAt,
    }
  }

  #verify(bytes: Uint8Array): Promise<VerifyResult> {
    const c = this.#config
    return verifyEntry(bytes, {
      network: this.#host.id.toString(),
      maxBytes: c.maxEntryBytes,
      now: Date.now(),
      // Freshness against our clock only refuses old replays; purging uses when we heard it.
      maxAgeMs: c.maxDriftMs,
      maxDriftMs: c.maxDriftMs,
    })
  }

  /** `requireTicket`: why a verified entry is not admitted, or undefined when it is (departures always are). */
  async #ticketRefusal(signed: SignedEntry): Promise<string | undefined> {
    if (!this.#ticketCache || signed.leaving || signed.entry.peerId === this.#host.peerId) return undefined
    const { entry } = signed
    const r = await authorizePeer(entry.peerId, entry.tickets, this.#config.requireTicket, this.#ticketCache)
    return r.ok ? undefined : `${r.reason}: ${r.detail}`
  }

  async #ingest(bytes: Uint8Array, remote: PeerId | undefined, protocol: string): Promise<void> {
    const result = this.#verified.get(bytes) ?? (await this.#verify(bytes))
    this.#verified.delete(bytes)
    if (this.#state !== 'running') return
    if (!result.ok) {
      this.#reject(result.reason, result.detail, remote, protocol)
      return
    }
    const refused = await this.#ticketRefusal(result)
    if (refused !== undefined) {
      if (this.#state === 'running') this.#reject('unauthorized', refused, remote, protocol)
      return
    }
    this.#apply(result)
  }

  #apply(result: SignedEntry): void {
    const applied = this.#catalog.apply(result, Date.now())
    if (applied.kind === 'outdated') return
    if (applied.kind === 'refreshed') this.#considerDial(applied.entry)
    if (applied.kind === 'event') this.#emit(applied.event)
  }

  #emit(event: DiscoveryEvent): void {
    const peer = event.entry.peerId
    if (event.type === 'departed') this.#dialer.forget(peer)
    else {
      // Only addresses the dial policy allows reach the peer store (libp2p dials from it).
      const policy = { dialPrivate: this.#config.dialPrivate, connectedTo: (p: string) => this.#connected(p) }
      const addrs = event.entry.addresses.flatMap((a) => {
        try {
          const ma = multiaddr(a)
          return mayDial(ma, policy) ? [ma] : []
        } catch {
          return []
        }
      })
      this.#host.libp2p.peerStore.merge(peerIdFromString(peer), { multiaddrs: addrs }).catch(() => {})
      this.#considerDial(event.entry)
      this.#checkStores(event.entry)
    }
    this.#host.emitTelemetry({
      type: `discovery.${event.type}`,
      at: performance.now(),
      peer: this.#host.peerId,
      remote: peer,
    })
    this.#events.emit(event)
  }

  /** Reports (once each, as telemetry and a console warning) stores `entry` has under another group than ours. */
  #checkStores(entry: PeerEntry): void {
    if (this.#stores.size === 0 || !entry.stores?.length) return
    for (const m of storeMismatches([...this.#stores.values()], entry)) {
      const key = `${m.remote}|${m.store}|${m.group}|${m.remoteGroup}`
      if (this.#mismatches.has(key)) continue
      if (this.#mismatches.size >= 1_024) this.#mismatches.delete(this.#mismatches.values().next().value as string)
      this.#mismatches.add(key)
      const detail = describeMismatch(m)
      console.warn(`mosaik-react: ${detail}`)
      this.#host.emitTelemetry({
        type: 'discovery.mismatch',
        at: performance.now(),
        peer: this.#host.peerId,
        remote: m.remote,
        store: m.store,
        group: m.group,
        remoteGroup: m.remoteGroup,
        differs: m.differs,
        detail,
      })
    }
  }

  #considerDial(entry: PeerEntry): void {
    if (this.#config.dialPeers && this.#state === 'running') this.#dialer.consider(entry)
  }

  #count(reason: RejectReason): void {
    this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1)
  }

  #reject(reason: RejectReason, detail: string, remote: PeerId | undefined, protocol: string): void {
    this.#count(reason)
    this.#host.emitTelemetry({
      type: 'input.rejected',
      at: performance.now(),
      peer: this.#host.peerId,
      remote,
      protocol,
      reason,
      detail,
    })
  }

  #connected(peer: string): boolean {
    try {
      return this.#host.libp2p.getConnections(peerIdFromString(peer)).some((c) => c.status === 'open')
    } catch {
      return false
    }
  }

  /**
   * Gossipsub's topic validator: an entry is verified (size, shape, network, freshness,
   * signature) before gossipsub delivers or forwards it, so a bad announce goes no further
   * than us. Refused entries are counted here; the verified result is kept for `#onGossip`.
   */
  readonly #validate = async (peer: Libp2pPeerId, msg: Message): Promise<TopicValidatorResult> => {
    const result = await this.#verify(msg.data)
    if (result.ok) {
      // Announces of peers without the required ticket are neither delivered nor forwarded;
      // Ignore, not Reject: the forwarding peer may be honest, so it is not penalised.
      const refused = await this.#ticketRefusal(result)
      if (refused !== undefined) {
        this.#reject('unauthorized', refused, peer.toString(), this.topic)
        return TopicValidatorResult.Ignore
      }
      this.#verified.set(msg.data, result)
      return TopicValidatorResult.Accept
    }
    this.#reject(result.reason, result.detail, peer.toString(), this.topic)
    // Stale copies are an honest relay's delay, not an attack: dropped without a penalty.
    return result.reason === 'stale' ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject
  }

  /** Results of the topic validator, for the delivery of the same message. */
  readonly #verified = new WeakMap<Uint8Array, VerifyResult>()

  readonly #onGossip = (e: CustomEvent<Message>): void => {
    const msg = e.detail
    if (msg.topic !== this.topic) return
    const from = msg.type === 'signed' ? msg.from.toString() : undefined
    void this.#ingest(msg.data, from, this.topic)
  }

  // A peer that just joined the topic hears from us at once instead of a period later.
  readonly #onSubscription = (e: CustomEvent<SubscriptionChangeData>): void => {
    if (e.detail.subscriptions.some((s) => s.subscribe && s.topic === this.topic)) this.#change(() => {})
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
