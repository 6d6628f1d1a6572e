import { encode } from '../core/codec.js'
import type { PeerId } from '../core/id.js'
import type { Channel, PeerEntry } from '../network/types.js'
import type { ProducerConfig } from './config.js'
import { StreamError } from './errors.js'
import type { StreamCloseReason, SubscribeFrame } from './messages.js'
import { checkSchema } from './schema.js'
import { LinkInfo, type StreamWhen } from './status.js'
import { Subscription } from './subscription.js'
import { satisfies, validateTickets } from './tickets.js'
import type { StreamId, TicketExpiration } from './types.js'

/** What a sink reports to its owner. */
export interface SinkHost {
  readonly peerId: PeerId
  /** The smoothed RTT to `peer`, if measured. */
  rtt(peer: PeerId): number | undefined
  /** `peer`'s entry in the catalog now. */
  entry(peer: PeerId): PeerEntry | undefined
  linkChanged(sink: Sink, link: LinkInfo, up: boolean, reason?: string): void
  refused(sink: Sink, remote: PeerId, reason: StreamCloseReason): void
}

/**
 * The fanout of one stream id on this peer (mosaik's producer worker loop): every producer
 * handle of the stream shares it. A datum is encoded once and offered to every consumer;
 * each consumer has its own credit window and bounded queue, so a slow one never holds
 * back the others (see `LaggingPolicy`).
 */
export class Sink {
  readonly streamId: StreamId
  readonly config: ProducerConfig
  readonly when: StreamWhen
  readonly #host: SinkHost
  readonly #subs = new Set<Subscription>()
  readonly #roomWaiters = new Set<() => void>()
  /**
   * Consumers whose changed entry is being checked, each with the entry it announced since
   * (`next`). Ticket checks await: one runs per consumer at a time, a result whose entry changed
   * meanwhile decides nothing, and the latest entry is checked next, so a consumer that churns
   * its entry costs one check at a time, not one per change.
   */
  readonly #checking = new Map<PeerId, { next: PeerEntry | undefined }>()
  /** Datums that found no consumer (mosaik's undelivered sink, counted only). */
  undelivered = 0
  /**
   * Subscriptions refused so far (capacity, `require`, tickets). A consumer whose channel
   * closed before it was admitted is not one: it was never answered.
   */
  refusals = 0
  #closed = false

  /** `when` is the producer handles' status, made before this sink (it loads on first use). */
  constructor(host: SinkHost, streamId: StreamId, config: ProducerConfig, when: StreamWhen) {
    this.#host = host
    this.streamId = streamId
    this.config = config
    this.when = when
    this.when.onOnlineChange(() => this.#wake())
  }

  get closed(): boolean {
    return this.#closed
  }

  get subscriptions(): ReadonlySet<Subscription> {
    return this.#subs
  }

  /**
   * Admits a consumer whose subscribe frame was read: capacity, `require` and tickets are
   * checked against its verified discovery entry. Refusals tell the consumer why.
   */
  async accept(channel: Channel, frame: SubscribeFrame, entry: PeerEntry, rtt?: number): Promise<void> {
    const refuse = (reason: StreamCloseReason) => {
      this.refusals++
      this.#host.refused(this, channel.remotePeer, reason)
      channel.send({ t: 'close', reason })
      channel.close(reason)
    }
    if (this.#closed) return refuse('stream-not-found')
    if (this.#subs.size >= this.config.maxConsumers) return refuse('no-capacity')
    if (!satisfies(entry, this.config.require, rtt)) return refuse('not-allowed')
    let expiry: number | undefined
    if (this.config.tickets.length > 0) {
      const granted = await validateTickets(entry, this.config.tickets)
      // The consumer went away while its tickets were checked: nobody is refused, nothing is kept.
      if (channel.isClosed) return
      if (!granted) return refuse('not-allowed')
      if (granted.kind === 'at') expiry = granted.at.getTime()
    }
    // Checks above may have awaited: look again.
    if (channel.isClosed) return
    if (this.#closed) return refuse('stream-not-found')
    if (this.#subs.size >= this.config.maxConsumers) return refuse('no-capacity')
    const window = Math.min(frame.window, this.config.window)
    const info = new LinkInfo(this.streamId, this.#host.peerId, channel.remotePeer, entry)
    const sub = new Subscription(channel, info, {
      window,
      bufferSize: this.config.bufferSize,
      maxQueuedBytes: this.config.maxQueuedBytes,
      policy: this.config.onLagging,
      onRoom: () => this.#wake(),
      onClosed: (s, reason) => this.#removed(s, reason),
    })
    if (sub.closed) return
    channel.send({ t: 'start', net: frame.net, stream: frame.stream, window })
    if (expiry !== undefined) sub.expireAt(expiry)
    info.state = 'connected'
    info.counters.connectedAt = performance.now()
    this.#subs.add(sub)
    this.when.add(info)
    this.#host.linkChanged(this, info, true)
    // Its room is new room: a send waiting for some goes before any later one.
    this.#wake()
    // Its entry changed while it was checked (no subscription to re-check yet): check the new
    // one, which may renew or revoke its tickets.
    const latest = this.#host.entry(channel.remotePeer)
    if (latest && latest !== entry) void this.reevaluate(latest)
  }

  /**
   * Re-checks a subscribed consumer whose entry changed (discovery reports content changes,
   * not every announcement): `require`, then its tickets, by the same validators as at
   * admission. It is dropped (`not-allowed`) if it fails now; else its subscriptions end
   * when the tickets it holds now expire (a renewed ticket moves the end).
   */
  async reevaluate(entry: PeerEntry): Promise<void> {
    const peer = entry.peerId
    const running = this.#checking.get(peer)
    if (running) {
      running.next = entry
      return
    }
    const state: { next: PeerEntry | undefined } = { next: undefined }
    this.#checking.set(peer, state)
    try {
      let current = entry
      for (;;) {
        // It decides only for the subscriptions open now: one admitted later was checked on its own.
        const subs = this.#subsOf(peer)
        if (!subs.length) return
        const granted = await this.#grant(current)
        if (state.next) {
          current = state.next
          state.next = undefined
          continue
        }
        for (const sub of subs) {
          if (!this.#subs.has(sub)) continue
          if (!granted) sub.end('not-allowed')
          else if (this.config.tickets.length > 0)
            sub.expireAt(granted.kind === 'at' ? granted.at.getTime() : undefined)
        }
        return
      }
    } finally {
      this.#checking.delete(peer)
    }
  }

  /** `require`, then the tickets: until when `entry` qualifies, or undefined when it does not. */
  async #grant(entry: PeerEntry): Promise<TicketExpiration | undefined> {
    if (!satisfies(entry, this.config.require, this.#host.rtt(entry.peerId))) return undefined
    return this.config.tickets.length > 0 ? validateTickets(entry, this.config.tickets) : { kind: 'never' }
  }

  #subsOf(peer: PeerId): Subscription[] {
    return [...this.#subs].filter((s) => s.info.consumerId === peer)
  }

  /** True when some consumer can take a datum now (or none is needed: online with no consumer). */
  hasRoom(size = 0): boolean {
    if (this.#subs.size === 0) return true
    for (const s of this.#subs) if (s.hasRoom(size)) return true
    return false
  }

  /** Encodes and checks a value from the app; throws `StreamError` for a bad one. */
  prepare(value: unknown): Uint8Array {
    if (this.#closed) throw new StreamError('closed', `producer of ${this.streamId.short()} is closed`, value)
    const checked = checkSchema(this.config.schema, value)
    if (!checked.ok) throw new StreamError('invalid', checked.detail, value)
    let bytes: Uint8Array
    try {
      bytes = encode(checked.value)
    } catch (err) {
      throw new StreamError('encoding', (err as Error).message, value, { cause: err })
    }
    if (bytes.length > this.config.maxDatumBytes)
      throw new StreamError(
        'encoding',
        `datum of ${bytes.length} bytes > maxDatumBytes ${this.config.maxDatumBytes}`,
        value,
      )
    return bytes
  }

  /** Offers encoded bytes to every consumer (call only when online and `hasRoom()`). */
  fanout(bytes: Uint8Array): void {
    if (this.#subs.size === 0) {
      this.undelivered++
      return
    }
    for (const s of [...this.#subs]) s.offer(bytes)
  }

  /**
   * Waits until online with room, then fans `bytes` out in the same turn as that check: sends
   * woken together take the room one by one, instead of all passing the check before any of
   * them fans out (which would hand the later ones to the lagging policy). Rejects with
   * `StreamError('closed')` once the sink closes or `cancelled()` (the handle closed) holds.
   */
  async send(value: unknown, bytes: Uint8Array, cancelled: () => boolean): Promise<void> {
    for (;;) {
      if (this.#closed || cancelled())
        throw new StreamError('closed', `producer of ${this.streamId.short()} is closed`, value)
      if (this.when.isOnline() && this.hasRoom(bytes.length)) return this.fanout(bytes)
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#roomWaiters.delete(wake)
          resolve()
        }
        this.#roomWaiters.add(wake)
      })
    }
  }

  keepalive(now: number, idleMs: number): void {
    for (const s of this.#subs) s.keepalive(now, idleMs)
  }

  /** Ends every subscription (`shutdown`) and wakes waiting senders, which reject. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const s of [...this.#subs]) s.end('shutdown')
    this.#wake()
    this.when.close()
  }

  #removed(sub: Subscription, reason: string | undefined): void {
    if (!this.#subs.delete(sub)) return
    this.when.remove(sub.info)
    this.#host.linkChanged(this, sub.info, false, reason)
    this.#wake()
  }

  #wake(): void {
    for (const w of [...this.#roomWaiters]) w()
  }
}
