import type { UniqueId } from '../core/id.js'
import type { Channel, NetworkServices, PeerEntry } from '../network/types.js'
import { MAX_CONSUMER_FRAME, MAX_STREAM_FRAME, STREAMS_PROTOCOL } from './config.js'
import { ConsumerEngine, type ConsumerHost } from './consumer-engine.js'
import { parseFirst, type SubscribeFrame } from './messages.js'
import type { SinkSlot } from './producer.js'
import { RttTracker } from './rtt.js'
import { Sink, type SinkHost } from './sink.js'
import type { StreamWhen } from './status.js'
import { emitStream, type StreamEvent } from './stream-telemetry.js'
import type { ChannelInfo, ConsumerOptions, StreamId } from './types.js'

const SUBSCRIBE_TIMEOUT_MS = 5_000
const TICK_MS = 1_000
/** libp2p resets a stream idle for 2 minutes; links send a keepalive after this much silence. */
const KEEPALIVE_IDLE_MS = 20_000

/** What the streams service needs of a network. */
export type StreamsHost = NetworkServices & { readonly id: UniqueId }

/**
 * The work of the streams service (mosaik's `Streams` and `Acceptor`), loaded by `Streams` on
 * the first `produce` or `consume`: it serves `/mosaik/<net>/streams/1`, runs every fanout
 * (`Sink`) and consumer, keeps links alive and reports their stats. An app that never uses
 * streams never downloads it.
 */
export class StreamsEngine {
  readonly #net: StreamsHost
  readonly #sinks = new Map<string, Sink>()
  readonly #consumers = new Set<ConsumerEngine<unknown>>()
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
      entry: (peer) => this.#net.discovery.catalog().get(peer),
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
        this.#consumers.delete(c)
        this.#lastStats.delete(c)
      },
    }
  }

  /** Makes the fanout of `slot`, serves the protocol and announces the stream in discovery. */
  openSink(slot: SinkSlot): Sink {
    const sink = new Sink(this.#sinkHost, slot.streamId, slot.config, slot.when)
    this.#sinks.set(slot.streamId.toString(), sink)
    this.#listen()
    this.#net.discovery.addStream(slot.streamId)
    return sink
  }

  /** Closes a fanout whose last handle closed and withdraws the stream from discovery. */
  closeSink(sink: Sink): void {
    sink.close()
    const key = sink.streamId.toString()
    if (this.#sinks.get(key) === sink) this.#sinks.delete(key)
    this.#lastStats.delete(sink)
    if (!this.#stopped && !this.#net.stopped) this.#net.discovery.removeStream(sink.streamId)
  }

  /** Starts the work of a consumer handle whose status is `when`. */
  openConsumer<T>(streamId: StreamId, options: ConsumerOptions<T>, when: StreamWhen): ConsumerEngine<T> {
    const consumer = new ConsumerEngine<T>(this.#consumerHost, streamId, options, when)
    this.#consumers.add(consumer as ConsumerEngine<unknown>)
    this.#ensureTick()
    consumer.start()
    return consumer
  }

  /** The smoothed round trip to `peer` (ms) the streams protocol measured, if any. */
  rtt(peer: string): number | undefined {
    return this.#rtt.get(peer)
  }

  /** Closes every fanout and consumer and stops serving subscriptions. */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    for (const c of [...this.#consumers]) c.close()
    for (const sink of [...this.#sinks.values()]) sink.close()
    this.#sinks.clear()
    this.#offDiscovery?.()
    clearInterval(this.#tick)
    this.#tick = undefined
    if (this.#handling && !this.#net.stopped) this.#net.unhandle(STREAMS_PROTOCOL)
    this.#handling = false
  }

  #listen(): void {
    this.#ensureTick()
    if (this.#handling) return
    this.#handling = true
    // Datums go out up to the largest frame; what comes in is a consumer's few small frames.
    this.#net.handle(STREAMS_PROTOCOL, (ch) => this.#incoming(ch), {
      maxFrameSize: MAX_STREAM_FRAME,
      maxInboundFrameSize: MAX_CONSUMER_FRAME,
    })
    // Consumers whose entry changed are re-checked against `require` and tickets (mosaik
    // re-evaluates on catalog updates): a renewed ticket extends their subscription.
    this.#offDiscovery = this.#net.discovery.onEvent((e) => {
      if (e.type !== 'updated') return
      for (const sink of this.#sinks.values()) void sink.reevaluate(e.entry)
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
        // Admission is bounded too: a ticket validator that never settles must not hold the channel open.
        timer = setTimeout(() => channel.close('timeout'), SUBSCRIBE_TIMEOUT_MS)
        void sink.accept(channel, frame, entry, this.#rtt.get(channel.remotePeer)).finally(() => clearTimeout(timer))
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
      const sink = this.#sinks.get(frame.stream)
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
    for (const sink of this.#sinks.values()) {
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

  #emit(event: StreamEvent): void {
    emitStream(this.#net, event)
  }
}
