import { decode, encode } from '../../../src/core/codec.js'
import type { RejectReason } from '../../../src/core/errors.js'
import { type IdLike, type PeerId, UniqueId } from '../../../src/core/id.js'
import type { TelemetryEvent } from '../../../src/core/telemetry.js'
import { Emitter } from '../../../src/core/watch.js'
import type {
  Channel,
  CloseInfo,
  Discovery,
  DiscoveryEvent,
  NetworkService,
  NetworkServices,
  PeerEntry,
} from '../../../src/network/types.js'
import { encodeTicket, type Ticket, ticketId } from '../../../src/tickets/ticket.js'

/**
 * An in-process stand-in for `Network`: channels are pairs of queues with CBOR round trips
 * and asynchronous delivery; discovery is a shared registry. For unit tests of bonds and
 * the handshake without libp2p.
 */
export class FakeHub {
  readonly nodes = new Map<PeerId, FakeNetwork>()
  readonly channels = new Set<FakeChannel>()
  readonly #cuts = new Set<string>()

  /** Drop every frame between `a` and `b` (both ways) until `heal`. */
  cut(a: PeerId, b: PeerId): void {
    this.#cuts.add([a, b].sort().join('|'))
  }

  heal(a: PeerId, b: PeerId): void {
    this.#cuts.delete([a, b].sort().join('|'))
  }

  isCut(a: PeerId, b: PeerId): boolean {
    return this.#cuts.has([a, b].sort().join('|'))
  }

  node(name: string): FakeNetwork {
    const n = new FakeNetwork(this, name)
    this.nodes.set(name, n)
    return n
  }

  /** Live channel pairs (each pair counted once, from its initiator side). */
  get openPairs(): number {
    return [...this.channels].filter((c) => c.initiator && !c.isClosed).length
  }
}

export class FakeChannel implements Channel {
  readonly remotePeer: PeerId
  readonly protocol: string
  readonly initiator: boolean
  other!: FakeChannel
  readonly #owner: FakeNetwork
  readonly #messages = new Emitter<unknown>()
  readonly #queue: unknown[] = []
  readonly #closes = new Set<(info: CloseInfo) => void>()
  #closed: CloseInfo | undefined
  /** Every frame this side sent, decoded (tests inspect what went out). */
  readonly sent: unknown[] = []

  constructor(owner: FakeNetwork, remote: PeerId, protocol: string, initiator: boolean) {
    this.#owner = owner
    this.remotePeer = remote
    this.protocol = protocol
    this.initiator = initiator
  }

  get isClosed(): boolean {
    return this.#closed !== undefined
  }

  get closeInfo(): CloseInfo | undefined {
    return this.#closed
  }

  send(message: unknown): boolean {
    if (this.#closed) return false
    const bytes = encode(message)
    this.sent.push(decode(bytes))
    if (this.#owner.hub.isCut(this.#owner.peerId, this.remotePeer)) return true
    queueMicrotask(() => this.other.deliver(decode(bytes)))
    return true
  }

  deliver(message: unknown): void {
    if (this.#closed) return
    if (this.#messages.size === 0) this.#queue.push(message)
    else this.#messages.emit(message)
  }

  onMessage(listener: (message: unknown) => void): () => void {
    const off = this.#messages.on(listener)
    for (const m of this.#queue.splice(0)) listener(m)
    return off
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    if (this.#closed) {
      listener(this.#closed)
      return () => {}
    }
    this.#closes.add(listener)
    return () => this.#closes.delete(listener)
  }

  close(reason?: CloseInfo['reason'], detail?: string): void {
    this.finish({ by: 'local', ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) })
    queueMicrotask(() => this.other.finish({ by: 'remote', ...(reason ? { reason } : {}) }))
  }

  reject(reason: RejectReason, detail: string): void {
    this.#owner.rejections.push({ reason, detail, remote: this.remotePeer })
    this.#owner.emitTelemetry({
      type: 'input.rejected',
      at: 0,
      peer: this.#owner.peerId,
      remote: this.remotePeer,
      protocol: this.protocol,
      reason,
      detail,
    })
    this.finish({ by: 'local', reason, detail })
    queueMicrotask(() => this.other.finish({ by: 'remote', reason: 'reset', detail: reason }))
  }

  finish(info: CloseInfo): void {
    if (this.#closed) return
    this.#closed = info
    for (const l of [...this.#closes]) l(info)
    this.#closes.clear()
    this.#messages.clear()
  }
}

export class FakeNetwork implements NetworkServices {
  readonly peerId: PeerId
  readonly discovery: Discovery
  readonly rejections: { reason: RejectReason; detail: string; remote: PeerId | undefined }[] = []
  readonly telemetry: TelemetryEvent[] = []
  readonly hub: FakeHub
  readonly #handlers = new Map<string, (c: Channel) => void>()
  readonly #services = new Map<string, NetworkService>()
  readonly #events = new Emitter<DiscoveryEvent>()
  readonly #telemetry = new Emitter<TelemetryEvent>()
  readonly groups = new Set<string>()
  readonly tickets = new Map<string, Ticket>()
  stopped = false

  constructor(hub: FakeHub, peerId: PeerId) {
    this.hub = hub
    this.peerId = peerId
    const hexOf = (id: IdLike) => UniqueId.from(id).toString()
    this.discovery = {
      self: () => this.entry(),
      catalog: () => new Map([...hub.nodes].filter(([p]) => p !== peerId).map(([p, n]) => [p, n.entry()])),
      onEvent: (l) => this.#events.on(l),
      addTags: () => {},
      removeTags: () => {},
      joinGroup: (g) => {
        this.groups.add(hexOf(g))
        this.#announce()
      },
      leaveGroup: (g) => {
        this.groups.delete(hexOf(g))
        this.#announce()
      },
      addTicket: (t) => {
        this.tickets.set(ticketId(t).toString(), t)
        this.#announce()
      },
      removeTicket: (id) => {
        this.tickets.delete(hexOf(id))
        this.#announce()
      },
      removeTicketsOf: (c) => {
        for (const [id, t] of this.tickets) if (t.class.equals(UniqueId.from(c))) this.tickets.delete(id)
        this.#announce()
      },
      tickets: () => [...this.tickets.values()],
      peersInGroup: (g) =>
        [...hub.nodes.values()].filter((n) => n !== this && n.groups.has(hexOf(g))).map((n) => n.peerId),
      addStream: () => {},
      removeStream: () => {},
      peersWithStream: () => [],
      // The registry is instant: every other node is connected and heard from.
      surroundings: () => ({
        dialing: 0,
        peers: this.connectedPeers().map((peer) => ({ peer, waitedMs: 0, stage: 'heard' as const })),
      }),
      onSurroundingsChange: () => () => {},
      hearFromAll: () => {},
    }
  }

  entry(): PeerEntry {
    return {
      peerId: this.peerId,
      network: 'fake',
      addresses: [],
      tags: [],
      groups: [...this.groups],
      tickets: [...this.tickets.values()].map(encodeTicket),
      startedAt: 0,
      updatedAt: 0,
    }
  }

  /** Tell every other node our entry changed (discovery gossip, instantly). */
  #announce(): void {
    const entry = this.entry()
    for (const n of this.hub.nodes.values()) if (n !== this) n.event({ type: 'updated', entry, previous: entry })
  }

  event(e: DiscoveryEvent): void {
    queueMicrotask(() => this.#events.emit(e))
  }

  protocol(name: string): string {
    return `/mosaik/fake/${name}/1`
  }

  handle(name: string, handler: (channel: Channel) => void): void {
    this.#handlers.set(name, handler)
  }

  unhandle(name: string): void {
    this.#handlers.delete(name)
  }

  /** Opens a channel; the remote's handler gets its end. */
  async openChannel(peer: PeerId, name: string): Promise<Channel> {
    const remote = this.hub.nodes.get(peer)
    const handler = remote ? remote.#handlers.get(name) : undefined
    if (!remote || !handler || remote.stopped) throw new Error(`cannot reach ${peer} on ${name}`)
    const mine = new FakeChannel(this, peer, this.protocol(name), true)
    const theirs = new FakeChannel(remote, this.peerId, this.protocol(name), false)
    mine.other = theirs
    theirs.other = mine
    this.hub.channels.add(mine)
    this.hub.channels.add(theirs)
    queueMicrotask(() => handler(theirs))
    return mine
  }

  connectedPeers(): PeerId[] {
    return [...this.hub.nodes.keys()].filter((p) => p !== this.peerId)
  }

  onTelemetry(listener: (event: TelemetryEvent) => void): () => void {
    return this.#telemetry.on(listener)
  }

  emitTelemetry(event: TelemetryEvent): void {
    this.telemetry.push(event)
    this.#telemetry.emit(event)
  }

  service<T extends NetworkService>(key: string, create: () => T): T {
    const s = this.#services.get(key) ?? create()
    this.#services.set(key, s)
    return s as T
  }

  async stop(): Promise<void> {
    for (const s of [...this.#services.values()].reverse()) await s.stop()
    this.stopped = true
    this.hub.nodes.delete(this.peerId)
  }
}
