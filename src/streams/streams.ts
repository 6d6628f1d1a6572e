import { type IdLike, UniqueId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import type { Channel, NetworkService, NetworkServices, PeerEntry } from '../network/types.js'
import { Consumer, type ConsumerHost } from './consumer.js'
import { StreamError } from './errors.js'
import { parseFirst, type SubscribeFrame } from './messages.js'
import { Producer } from './producer.js'
import { RttTracker } from './rtt.js'
import { MAX_DATUM_BYTES, producerConfig, Sink, type SinkHost } from './sink.js'
import type { ChannelInfo, ConsumerOptions, ProducerOptions, StreamId } from './types.js'

/** Protocol name: `/mosaik/<net>/streams/1`. */
export const STREAMS_PROTOCOL = 'streams'
/** Largest frame of the streams protocol: the largest `maxDatumBytes` allowed, plus framing. */
export const MAX_STREAM_FRAME = MAX_DATUM_BYTES + 1024
const SUBSCRIBE_TIMEOUT_MS = 5_000
const TICK_MS = 1_000
/** libp2p resets a stream idle for 2 minutes; links send a keepalive after this much silence. */
const KEEPALIVE_IDLE_MS = 20_000

/** What streams need of a network. */
export type StreamsHost = NetworkServices & { readonly id: UniqueId }

/**
 * The streams of one network (mosaik `Streams`): typed pub/sub without consensus. A
 * producer announces its stream id in the local discovery entry; consumers find it there,
 * subscribe over `/mosaik/<net>/streams/1` and receive every datum sent after that.
 *
 * ```ts
 * const producer = network.streams.produce<Price>('prices')
 * await producer.when.online()            // a consumer subscribed
 * await producer.send({ symbol: 'ETH', price: 3200 })
 *
 * const consumer = other.streams.consume<Price>('prices')
 * for await (const price of consumer) console.log(price)
 * ```
 */
export class Streams implements NetworkService {
  readonly #net: StreamsHost
  readonly #sinks = new Map<string, { sink: Sink; handles: number }>()
  readonly #consumers = new Set<Consumer<unknown>>()
  readonly #lastStats = new Map<object, string>()
  readonly #rtt = new RttTracker()
  #handling = false
  #offDiscovery: (() => void) | undefined
  #tick: ReturnType<typeof setInterval> | undefined
  #stopped = false

  readonly #sinkHost: SinkHost
  readonly #consumerHost: ConsumerHost

  constructor(net: StreamsHost) {
    this.#net = net
    this.#sinkHost = {
      peerId: net.peerId,
      rtt: (peer) => this.#rtt.get(peer),
      linkChanged: (sink, link, up, reason) => this.#linkChanged(sink.streamId, 'producer', link, up, reason),
      refused: (sink, remote, reason) =>
        this.#emit({ type: 'stream.refused', stream: sink.streamId.toString(), role: 'producer', remote, reason }),
    }
    this.#consumerHost = {
      net,
      rtt: { get: (peer) => this.#rtt.get(peer), record: (peer, ms) => this.#recordRtt(peer, ms) },
      maxFrameSize: MAX_STREAM_FRAME,
      linkChanged: (stream, role, link, up, reason) => this.#linkChanged(stream, role, link, up, reason),
      refused: (stream, from, detail) =>
        net.emitTelemetry({
          type: 'input.rejected',
          at: performance.now(),
          peer: net.peerId,
          remote: from,
          protocol: `${net.protocol(STREAMS_PROTOCOL)} ${stream.short()}`,
          reason: 'invalid-value',
          detail,
        }),
      released: (c) => {
        if (!this.#consumers.delete(c)) return
        this.#lastStats.delete(c)
        this.#emit({ type: 'stream.closed', stream: c.streamId.toString(), role: 'consumer' })
      },
    }
  }

  /**
   * A producer of stream `id`. Without options, a second call returns a new handle on the
   * same producer (as mosaik's `produce`); with options when one exists it throws
   * `StreamError('exists')` whose `value` is a handle on the existing one.
   */
  produce<T>(id: IdLike, options?: ProducerOptions<T>): Producer<T> {
    this.#assertRunning()
    const streamId = UniqueId.from(id)
    const key = streamId.toString()
    const existing = this.#sinks.get(key)
    if (existing && !existing.sink.closed) {
      const handle = this.#handle<T>(existing)
      if (options) throw new StreamError('exists', `a producer of ${streamId.short()} already exists`, handle)
      return handle
    }
    const sink = new Sink(this.#sinkHost, streamId, producerConfig((options ?? {}) as ProducerOptions<unknown>))
    const entry = { sink, handles: 0 }
    this.#sinks.set(key, entry)
    this.#listen()
    this.#net.discovery.addStream(streamId)
    this.#emit({ type: 'stream.opened', stream: key, role: 'producer' })
    return this.#handle<T>(entry)
  }

  /** A consumer of stream `id`: subscribes to every eligible producer, now and later. */
  consume<T>(id: IdLike, options: ConsumerOptions<T> = {}): Consumer<T> {
    this.#assertRunning()
    const consumer = new Consumer<T>(this.#consumerHost, UniqueId.from(id), options)
    this.#consumers.add(consumer as Consumer<unknown>)
    this.#ensureTick()
    this.#emit({ type: 'stream.opened', stream: consumer.streamId.toString(), role: 'consumer' })
    consumer.start()
    return consumer
  }

  /** The smoothed round trip to `peer` (ms) the streams protocol measured, if any. */
  rtt(peer: string): number | undefined {
    return this.#rtt.get(peer)
  }

  /** Producers open on this network, by stream id hex. */
  get producers(): ReadonlyMap<string, Sink> {
    return new Map([...this.#sinks].map(([k, v]) => [k, v.sink]))
  }

  get consumers(): ReadonlySet<Consumer<unknown>> {
    return this.#consumers
  }

  replayTelemetry(listener: (event: TelemetryEvent) => void): void {
    const at = performance.now()
    const peer = this.#net.peerId
    const link = (stream: string, role: 'producer' | 'consumer', l: ChannelInfo): TelemetryEvent => ({
      type: 'stream.link',
      at,
      peer,
      stream,
      role,
      remote: role === 'producer' ? l.consumerId : l.producerId,
      up: true,
    })
    for (const [stream, { sink }] of this.#sinks) {
      listener({ type: 'stream.opened', at, peer, stream, role: 'producer' })
      for (const s of sink.subscriptions) listener(link(stream, 'producer', s.info))
    }
    for (const c of this.#consumers) {
      const stream = c.streamId.toString()
      listener({ type: 'stream.opened', at, peer, stream, role: 'consumer' })
      for (const l of c.producers()) listener(link(stream, 'consumer', l))
    }
  }

  /** Closes every producer and consumer and stops serving subscriptions. */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    for (const c of [...this.#consumers]) c.close()
    for (const { sink } of [...this.#sinks.values()]) sink.close()
    this.#sinks.clear()
    this.#offDiscovery?.()
    clearInterval(this.#tick)
    this.#tick = undefined
    if (this.#handling && !this.#net.stopped) this.#net.unhandle(STREAMS_PROTOCOL)
    this.#handling = false
  }

  #handle<T>(entry: { sink: Sink; handles: number }): Producer<T> {
    entry.handles++
    let released = false
    return new Producer<T>(entry.sink, () => {
      if (released) return
      released = true
      if (--entry.handles > 0) return
      const key = entry.sink.streamId.toString()
      entry.sink.close()
      if (this.#sinks.get(key) === entry) this.#sinks.delete(key)
      this.#lastStats.delete(entry.sink)
      if (!this.#stopped && !this.#net.stopped) this.#net.discovery.removeStream(entry.sink.streamId)
      this.#emit({ type: 'stream.closed', stream: key, role: 'producer' })
    })
  }

  #listen(): void {
    this.#ensureTick()
    if (this.#handling) return
    this.#handling = true
    this.#net.handle(STREAMS_PROTOCOL, (ch) => this.#incoming(ch), { maxFrameSize: MAX_STREAM_FRAME })
    // Consumers whose entry changed are re-checked against `require` and tickets (mosaik
    // re-evaluates on catalog updates).
    this.#offDiscovery = this.#net.discovery.onEvent((e) => {
      if (e.type !== 'updated') return
      for (const { sink } of this.#sinks.values()) void sink.reevaluate(e.entry)
    })
  }

  #incoming(channel: Channel): void {
    let timer = setTimeout(() => channel.close('timeout'), SUBSCRIBE_TIMEOUT_MS)
    let state: 'first' | { frame: SubscribeFrame; sink: Sink; entry: PeerEntry; probedAt: number } | 'done' = 'first'
    channel.onClose(() => clearTimeout(timer))
    channel.onMessage((raw) => {
      if (state === 'done') return
      if (state !== 'first') {
        // The answer to our probe: the RTT sample `require` may read.
        clearTimeout(timer)
        const { frame, sink, entry, probedAt } = state
        state = 'done'
        if ((raw as { t?: unknown })?.t !== 'probe') return channel.reject('malformed', 'expected a probe answer')
        this.#recordRtt(channel.remotePeer, performance.now() - probedAt)
        void sink.accept(channel, frame, entry, this.#rtt.get(channel.remotePeer))
        return
      }
      clearTimeout(timer)
      state = 'done'
      const first = parseFirst(raw)
      if (first?.t === 'ping') {
        channel.send({ t: 'pong' })
        channel.close('pong')
        return
      }
      const frame = first
      if (!frame) return channel.reject('malformed', 'expected a subscribe frame')
      const refuse = (reason: 'wrong-network' | 'unknown-peer' | 'stream-not-found') => {
        channel.send({ t: 'close', reason })
        channel.close(reason)
      }
      if (frame.net !== this.#net.id.toString()) return refuse('wrong-network')
      // mosaik: a consumer not in the catalog is refused until catalog sync knows it.
      const entry = this.#net.discovery.catalog().get(channel.remotePeer)
      if (!entry) return refuse('unknown-peer')
      const sink = this.#sinks.get(frame.stream)?.sink
      if (!sink || sink.closed) return refuse('stream-not-found')
      state = { frame, sink, entry, probedAt: performance.now() }
      timer = setTimeout(() => channel.close('timeout'), SUBSCRIBE_TIMEOUT_MS)
      channel.send({ t: 'probe' })
    })
  }

  #linkChanged(stream: StreamId, role: 'producer' | 'consumer', link: ChannelInfo, up: boolean, reason?: string): void {
    this.#emit({
      type: 'stream.link',
      stream: stream.toString(),
      role,
      remote: role === 'producer' ? link.consumerId : link.producerId,
      up,
      ...(reason !== undefined && { reason }),
    })
  }

  #recordRtt(peer: string, ms: number): void {
    this.#rtt.record(peer, ms)
    const smoothed = this.#rtt.get(peer)
    if (smoothed !== undefined) this.#emit({ type: 'stream.rtt', remote: peer, ms: smoothed })
  }

  #ensureTick(): void {
    this.#tick ??= setInterval(() => this.#onTick(), TICK_MS)
  }

  #onTick(): void {
    const now = performance.now()
    for (const { sink } of this.#sinks.values()) {
      sink.keepalive(now, KEEPALIVE_IDLE_MS)
      let datums = 0
      let bytes = 0
      let dropped = 0
      let lag = 0
      for (const s of sink.subscriptions) {
        const c = s.info.counters
        datums += c.datums
        bytes += c.bytes
        dropped += c.dropped
        lag = Math.max(lag, c.lag)
      }
      this.#stats(sink, sink.streamId, 'producer', sink.subscriptions.size, datums, bytes, dropped, 0, lag)
    }
    for (const c of this.#consumers) {
      const s = c.stats()
      this.#stats(c, c.streamId, 'consumer', c.producers().length, s.datums, s.bytes, 0, s.refused, s.lag)
    }
    if (this.#sinks.size === 0 && this.#consumers.size === 0) {
      clearInterval(this.#tick)
      this.#tick = undefined
    }
  }

  #stats(
    owner: object,
    stream: StreamId,
    role: 'producer' | 'consumer',
    links: number,
    datums: number,
    bytes: number,
    dropped: number,
    refused: number,
    lag: number,
  ): void {
    const key = `${links}/${datums}/${bytes}/${dropped}/${refused}/${lag}`
    if (this.#lastStats.get(owner) === key) return
    this.#lastStats.set(owner, key)
    this.#emit({ type: 'stream.stats', stream: stream.toString(), role, links, datums, bytes, dropped, refused, lag })
  }

  #emit(event: DistributiveOmit<Extract<TelemetryEvent, { type: `stream.${string}` }>, 'at' | 'peer'>): void {
    this.#net.emitTelemetry({ ...event, at: performance.now(), peer: this.#net.peerId } as TelemetryEvent)
  }

  #assertRunning(): void {
    if (this.#stopped || this.#net.stopped) throw new StreamError('closed', 'the network is stopped', undefined)
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
