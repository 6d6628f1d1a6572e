import type { PeerId, UniqueId } from '../core/id.js'
import type { RetryOptions } from '../network/retry.js'
import type { DiscoveryEvent, NetworkServices, PeerEntry } from '../network/types.js'
import { consumerConfig, toList } from './config.js'
import { TicketDeadline } from './deadline.js'
import { type Eligibility, ProducerChecks } from './producer-checks.js'
import { Receiver, type ReceiverHost } from './receiver.js'
import type { RttTracker } from './rtt.js'
import { LinkInfo, type StreamWhen } from './status.js'
import type { ChannelInfo, ConsumerOptions, Received, StreamId, StreamStats } from './types.js'

/** What a consumer needs of its network and of the streams service. */
export interface ConsumerHost {
  readonly net: NetworkServices & { readonly id: UniqueId }
  readonly rtt: Pick<RttTracker, 'get' | 'record'>
  /** Largest frame the streams protocol carries. */
  readonly maxFrameSize: number
  linkChanged(streamId: StreamId, role: 'consumer', link: ChannelInfo, up: boolean, reason?: string): void
  refused(streamId: StreamId, from: PeerId, detail: string): void
  released(consumer: ConsumerEngine<unknown>): void
}

const RETRY_BASE_MS = 250
const RETRY_MAX_MS = 3_000

/**
 * The work behind a `Consumer` handle (mosaik's consumer worker), loaded with the streams
 * service on first use: producers are found through discovery (their entries announce the
 * stream) and re-checked whenever their entry changes; failed or ended subscriptions are
 * retried with backoff while the producer stays eligible. What waits here is bounded: each
 * producer may have at most `window` datums unacknowledged, and they are acknowledged only as
 * the app takes them.
 */
export class ConsumerEngine<T> {
  readonly streamId: StreamId
  /** The handle's status, made before this engine loaded. */
  readonly when: StreamWhen
  readonly #host: ConsumerHost
  readonly #window: number
  readonly #maxDatumBytes: number
  readonly #maxProducers: number
  readonly #schema
  readonly #retry: RetryOptions
  /** Per producer, its link, or the mark of the subscription being opened to it. */
  readonly #links = new Map<PeerId, Receiver | symbol>()
  /** Whether producers qualify: one check per producer at a time, its latest entry decides. */
  readonly #checks: ProducerChecks
  /**
   * Eligible producers skipped at `maxProducers`, in the order first skipped (a producer
   * checked again while it waits keeps its place): a freed slot goes to the first that
   * still qualifies.
   */
  readonly #skipped = new Set<PeerId>()
  /** Skipped producers being checked again for a freed slot. */
  readonly #refilling = new Set<PeerId>()
  readonly #retries = new Map<PeerId, { timer: ReturnType<typeof setTimeout>; attempt: number }>()
  readonly #buffer: Array<{ value: T; from: Receiver }> = []
  /**
   * Values of each producer waiting in `#buffer`. A producer whose last link left values here
   * is subscribed again only once the app took them: a new link brings a new window, and a
   * producer that cuts a slow consumer off (`too-slow`) would otherwise add one per reconnection.
   */
  readonly #waiting = new Map<PeerId, number>()
  readonly #waiters: Array<(item: { value: T; from: Receiver } | undefined) => void> = []
  readonly #totals = { datums: 0, bytes: 0, refused: 0 }
  #offDiscovery: (() => void) | undefined
  #closed = false

  constructor(host: ConsumerHost, streamId: StreamId, options: ConsumerOptions<T>, when: StreamWhen) {
    this.#host = host
    this.streamId = streamId
    const config = consumerConfig(options as ConsumerOptions<unknown>)
    this.#window = config.window
    this.#maxDatumBytes = Math.min(config.maxDatumBytes, host.maxFrameSize - 1024)
    this.#maxProducers = config.maxProducers
    this.#schema = options.schema
    this.#retry = config.retry
    const rules = { require: toList(options.require), tickets: toList(options.requireTicket) }
    this.#checks = new ProducerChecks(streamId, host.net, host.rtt, rules, config.retry)
    this.when = when
  }

  /** Starts following discovery; called once by the streams service. */
  start(): void {
    const { discovery } = this.#host.net
    this.#offDiscovery = discovery.onEvent((e) => this.#onDiscovery(e))
    for (const entry of discovery.catalog().values()) void this.#consider(entry)
  }

  get closed(): boolean {
    return this.#closed
  }

  isOnline(): boolean {
    return this.when.isOnline()
  }

  /** The producers subscribed now, with their stats. */
  producers(): ChannelInfo[] {
    return [...this.#links.values()].flatMap((l) =>
      l instanceof Receiver && l.info.state === 'connected' ? [l.info] : [],
    )
  }

  /** Totals since creation: datums and bytes received, values refused; `lag` = values waiting here. */
  stats(): StreamStats {
    return { ...this.#totals, dropped: 0, lag: this.#buffer.length, connectedAt: undefined }
  }

  /** The next value, waiting for one; undefined once the consumer is closed. */
  async recv(): Promise<T | undefined> {
    return (await this.#next())?.value
  }

  /** The next value if one is waiting, else undefined. */
  tryRecv(): T | undefined {
    return this.#take()?.value
  }

  /** The next value with the producer that sent it; undefined once closed. */
  async recvFrom(): Promise<Received<T> | undefined> {
    const item = await this.#next()
    return item && { value: item.value, from: item.from.info.producerId }
  }

  /** Unsubscribes from every producer; pending `recv`s resolve undefined. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#offDiscovery?.()
    for (const r of this.#retries.values()) clearTimeout(r.timer)
    for (const d of this.#deadlines.values()) d.set(undefined)
    this.#retries.clear()
    for (const l of [...this.#links.values()]) if (l instanceof Receiver) l.end('unsubscribed')
    this.#checks.close()
    this.#links.clear()
    this.#buffer.length = 0
    this.#waiting.clear()
    for (const w of this.#waiters.splice(0)) w(undefined)
    this.when.close()
    this.#host.released(this as ConsumerEngine<unknown>)
  }

  #next(): Promise<{ value: T; from: Receiver } | undefined> {
    const item = this.#take()
    if (item) return Promise.resolve(item)
    if (this.#closed) return Promise.resolve(undefined)
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** The oldest waiting value, its credit given back; resubscribes a producer it was the last of. */
  #take(): { value: T; from: Receiver } | undefined {
    const item = this.#buffer.shift()
    if (!item) return undefined
    item.from.taken(1)
    const peer = item.from.info.producerId
    const left = (this.#waiting.get(peer) ?? 0) - 1
    if (left > 0) this.#waiting.set(peer, left)
    else {
      this.#waiting.delete(peer)
      const entry = this.#host.net.discovery.catalog().get(peer)
      if (entry && !this.#links.has(peer) && !this.#retries.has(peer)) void this.#consider(entry)
    }
    return item
  }

  #onDiscovery(e: DiscoveryEvent): void {
    if (this.#closed) return
    if (e.type === 'departed') {
      this.#cancelRetry(e.entry.peerId)
      this.#checks.departed(e.entry.peerId)
      this.#expiresAt.delete(e.entry.peerId)
      this.#skipped.delete(e.entry.peerId)
      this.#unlink(e.entry.peerId)
      return
    }
    void this.#consider(e.entry)
  }

  /** Checks a producer, then subscribes to it if eligible or ends the link to it if not. */
  #consider(entry: PeerEntry): Promise<void> {
    return this.#checks.check(entry, (latest, eligible) => this.#decide(latest, eligible))
  }

  async #decide(entry: PeerEntry, eligible: Eligibility): Promise<void> {
    const peer = entry.peerId
    if (this.#closed) return
    if (eligible && eligible.expiresAt !== undefined) this.#expiresAt.set(peer, eligible.expiresAt)
    else this.#expiresAt.delete(peer)
    if (!eligible) {
      this.#skipped.delete(peer)
      this.#cancelRetry(peer)
      this.#unlink(peer)
      return
    }
    const link = this.#links.get(peer)
    // Its entry changed: the link now ends when the tickets it holds now do (renewed: later).
    if (link instanceof Receiver && link.info.state === 'connected') this.#expireAt(link)
    if (link || this.#retries.has(peer) || this.#waiting.has(peer)) this.#skipped.delete(peer)
    else if (this.#links.size + this.#reserved(peer) >= this.#maxProducers) this.#skipped.add(peer)
    else {
      this.#skipped.delete(peer)
      await this.#connect(entry)
    }
  }

  /**
   * Free slots held for skipped producers being checked again and not linked yet (one whose
   * check passed holds its slot through its link), other than `except`, the one being decided.
   */
  #reserved(except?: PeerId): number {
    let n = 0
    for (const p of this.#refilling) if (p !== except && !this.#links.has(p)) n++
    return n
  }

  /** Ends the link to `peer`, or abandons the subscription being opened to it. */
  #unlink(peer: PeerId): void {
    const link = this.#links.get(peer)
    if (link instanceof Receiver) link.end('unsubscribed')
    else if (link) this.#free(peer, link)
  }

  /** Frees `peer`'s slot if `link` holds it, and offers the slot to the producers skipped for one. */
  #free(peer: PeerId, link: Receiver | symbol): void {
    if (this.#links.get(peer) !== link) return
    this.#links.delete(peer)
    this.#refill()
  }

  /**
   * Checks skipped producers again (each may have stopped qualifying; a check may cost a ping
   * and ticket validation), in the order first skipped and only as many at once as slots are
   * free: one that fails hands its turn to the next.
   */
  #refill(): void {
    if (this.#closed) return
    const catalog = this.#host.net.discovery.catalog()
    for (const peer of [...this.#skipped]) {
      if (this.#links.size + this.#reserved() >= this.#maxProducers) return
      if (this.#refilling.has(peer)) continue
      const entry = catalog.get(peer)
      if (!entry) {
        this.#skipped.delete(peer)
        continue
      }
      this.#refilling.add(peer)
      void this.#consider(entry).finally(() => {
        this.#refilling.delete(peer)
        this.#refill()
      })
    }
  }

  async #connect(entry: PeerEntry): Promise<void> {
    const peer = entry.peerId
    const mark = Symbol('connecting')
    this.#links.set(peer, mark)
    const { net } = this.#host
    let channel: Awaited<ReturnType<NetworkServices['openChannel']>>
    try {
      // Bounded by this consumer's own datum limit: a larger frame is refused before it is decoded.
      channel = await net.openChannel(peer, 'streams', {
        maxFrameSize: Math.max(this.#maxDatumBytes, 1024) + 1024,
        retry: this.#retry,
      })
    } catch {
      this.#free(peer, mark)
      this.#scheduleRetry(peer)
      return
    }
    // Abandoned meanwhile (closed, or the producer stopped qualifying or departed).
    if (this.#closed || this.#links.get(peer) !== mark) {
      channel.close('unsubscribed')
      return
    }
    const info = new LinkInfo(this.streamId, peer, net.peerId, entry)
    const receiver = new Receiver(channel, info, this.#receiverHost, {
      net: net.id.toString(),
      window: this.#window,
      maxDatumBytes: this.#maxDatumBytes,
      schema: this.#schema as never,
    })
    // A channel closed already has reported it (`closed`, which scheduled the retry) before
    // the receiver was ours to find: only the connecting mark is left, and it must go, or
    // every retry would find the producer still connecting.
    if (receiver.closed) this.#free(peer, mark)
    else this.#links.set(peer, receiver)
  }

  readonly #receiverHost: ReceiverHost = {
    deliver: (value, from, bytes) => {
      this.#totals.datums++
      this.#totals.bytes += bytes
      const waiter = this.#waiters.shift()
      if (waiter) {
        from.taken(1)
        waiter({ value: value as T, from })
      } else {
        this.#buffer.push({ value: value as T, from })
        const peer = from.info.producerId
        this.#waiting.set(peer, (this.#waiting.get(peer) ?? 0) + 1)
      }
    },
    connected: (r) => {
      this.#retries.delete(r.info.producerId)
      this.#attempts.delete(r.info.producerId)
      this.when.add(r.info)
      this.#host.linkChanged(this.streamId, 'consumer', r.info, true)
      // mosaik: a producer whose ticket expires mid-session is dropped at once.
      this.#expireAt(r)
    },
    closed: (r, reason) => {
      const peer = r.info.producerId
      this.#deadlines.get(r)?.set(undefined)
      this.#deadlines.delete(r)
      this.#free(peer, r)
      const wasUp = this.when.links.get().includes(r.info)
      this.when.remove(r.info)
      if (wasUp) this.#host.linkChanged(this.streamId, 'consumer', r.info, false, reason)
      if (!this.#closed && reason !== 'unsubscribed') this.#scheduleRetry(peer)
    },
    refused: (r, detail, bytes) => {
      this.#totals.datums++
      this.#totals.bytes += bytes
      this.#totals.refused++
      this.#host.refused(this.streamId, r.info.producerId, detail)
    },
  }

  #scheduleRetry(peer: PeerId): void {
    if (this.#closed || this.#retries.has(peer)) return
    const attempt = (this.#retries.get(peer)?.attempt ?? this.#attempts.get(peer) ?? 0) + 1
    this.#attempts.set(peer, attempt)
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5)
    const timer = setTimeout(() => {
      this.#retries.delete(peer)
      const entry = this.#host.net.discovery.catalog().get(peer)
      if (entry && !this.#closed) void this.#consider(entry)
    }, delay)
    this.#retries.set(peer, { timer, attempt })
  }

  readonly #attempts = new Map<PeerId, number>()
  /** Per producer, until when its tickets qualify it, as of its latest check (absent: no end). */
  readonly #expiresAt = new Map<PeerId, number>()
  /** Per open link, its end at its producer's ticket expiry. */
  readonly #deadlines = new Map<Receiver, TicketDeadline>()

  /** Ends `r` when its producer's tickets expire, as of their latest check; replaces an earlier end. */
  #expireAt(r: Receiver): void {
    const at = this.#expiresAt.get(r.info.producerId)
    let deadline = this.#deadlines.get(r)
    if (!deadline && at === undefined) return
    if (!deadline) {
      deadline = new TicketDeadline(() => r.end('ticket-expired'))
      this.#deadlines.set(r, deadline)
    }
    deadline.set(at)
  }

  #cancelRetry(peer: PeerId): void {
    const r = this.#retries.get(peer)
    if (r) clearTimeout(r.timer)
    this.#retries.delete(peer)
    this.#attempts.delete(peer)
  }
}
