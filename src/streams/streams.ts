import { type IdLike, UniqueId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import type { NetworkService } from '../network/types.js'
import { consumerConfig, producerConfig } from './config.js'
import { Consumer } from './consumer.js'
import type { ConsumerEngine } from './consumer-engine.js'
import type { StreamsEngine, StreamsHost } from './engine.js'
import { StreamError } from './errors.js'
import { Producer, type SinkSlot } from './producer.js'
import type { Sink } from './sink.js'
import { StreamWhen } from './status.js'
import { emitStream, type StreamEvent } from './stream-telemetry.js'
import type { ChannelInfo, ConsumerOptions, ProducerOptions } from './types.js'

export { MAX_STREAM_FRAME, STREAMS_PROTOCOL } from './config.js'
export type { StreamsHost } from './engine.js'

type Slot = SinkSlot & { settle(sink: Sink | undefined): void }

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
 *
 * `produce` and `consume` return their handle at once. The code that serves and subscribes
 * (`engine.ts`) loads on the first of them, so an app that never uses streams never
 * downloads it; until it has loaded, producers and consumers are offline.
 */
export class Streams implements NetworkService {
  readonly #net: StreamsHost
  readonly #slots = new Map<string, Slot>()
  readonly #consumers = new Set<Consumer<unknown>>()
  #engine: StreamsEngine | undefined
  #loading: Promise<StreamsEngine | undefined> | undefined
  #stopped = false

  constructor(net: StreamsHost) {
    this.#net = net
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
    const existing = this.#slots.get(key)
    if (existing && !existing.closed) {
      const handle = this.#handle<T>(existing)
      if (options) throw new StreamError('exists', `a producer of ${streamId.short()} already exists`, handle)
      return handle
    }
    const config = producerConfig((options ?? {}) as ProducerOptions<unknown>)
    let settle: (sink: Sink | undefined) => void = () => {}
    const ready = new Promise<Sink | undefined>((resolve) => {
      settle = resolve
    })
    const when = new StreamWhen(`producer ${streamId.short()}`, config.onlineWhen, 1)
    const slot: Slot = { streamId, config, when, sink: undefined, ready, handles: 0, closed: false, settle }
    this.#slots.set(key, slot)
    this.#emit({ type: 'stream.opened', stream: key, role: 'producer' })
    const open = (engine: StreamsEngine | undefined) => {
      if (slot.closed) return slot.settle(undefined)
      if (!engine) return this.#closeSlot(slot)
      slot.sink = engine.openSink(slot)
      slot.settle(slot.sink)
    }
    if (this.#engine) open(this.#engine)
    else void this.#load().then(open)
    return this.#handle<T>(slot)
  }

  /**
   * A consumer of stream `id`: subscribes to every eligible producer, now and later. Throws
   * `RangeError` at once for a bad option.
   */
  consume<T>(id: IdLike, options: ConsumerOptions<T> = {}): Consumer<T> {
    this.#assertRunning()
    const streamId = UniqueId.from(id)
    consumerConfig(options as ConsumerOptions<unknown>)
    const load = async (when: StreamWhen): Promise<ConsumerEngine<T> | undefined> =>
      (this.#engine ?? (await this.#load()))?.openConsumer(streamId, options, when)
    const consumer = new Consumer<T>(streamId, options, load, (c) => {
      if (this.#consumers.delete(c))
        this.#emit({ type: 'stream.closed', stream: c.streamId.toString(), role: 'consumer' })
    })
    this.#consumers.add(consumer as Consumer<unknown>)
    this.#emit({ type: 'stream.opened', stream: streamId.toString(), role: 'consumer' })
    return consumer
  }

  /** The smoothed round trip to `peer` (ms) the streams protocol measured, if any. */
  rtt(peer: string): number | undefined {
    return this.#engine?.rtt(peer)
  }

  /** Producers open on this network whose fanout has started, by stream id hex. */
  get producers(): ReadonlyMap<string, Sink> {
    return new Map([...this.#slots].flatMap(([k, s]) => (s.sink ? [[k, s.sink] as const] : [])))
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
    for (const [stream, { sink }] of this.#slots) {
      listener({ type: 'stream.opened', at, peer, stream, role: 'producer' })
      for (const s of sink?.subscriptions ?? []) listener(link(stream, 'producer', s.info))
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
    for (const slot of this.#slots.values()) {
      slot.closed = true
      if (!slot.sink) slot.when.close()
      slot.settle(undefined)
    }
    this.#slots.clear()
    this.#engine?.stop()
  }

  /** The engine, loading it on first use; undefined when stopped first or when it failed to load. */
  #load(): Promise<StreamsEngine | undefined> {
    this.#loading ??= import('./engine.js').then(
      ({ StreamsEngine }) => {
        if (this.#stopped || this.#net.stopped) return undefined
        this.#engine = new StreamsEngine(this.#net)
        return this.#engine
      },
      (err: unknown) => {
        console.error('mosaik-react: the streams service failed to load', err)
        return undefined
      },
    )
    return this.#loading
  }

  #handle<T>(slot: Slot): Producer<T> {
    slot.handles++
    let released = false
    return new Producer<T>(slot, () => {
      if (released) return
      released = true
      if (--slot.handles > 0) return
      this.#closeSlot(slot)
    })
  }

  /** Closes a slot whose last handle closed (or whose engine could not load). */
  #closeSlot(slot: Slot): void {
    if (slot.closed) return
    slot.closed = true
    if (slot.sink) this.#engine?.closeSink(slot.sink)
    else slot.when.close()
    slot.settle(undefined)
    const key = slot.streamId.toString()
    if (this.#slots.get(key) === slot) this.#slots.delete(key)
    this.#emit({ type: 'stream.closed', stream: key, role: 'producer' })
  }

  #emit(event: StreamEvent): void {
    emitStream(this.#net, event)
  }

  #assertRunning(): void {
    if (this.#stopped || this.#net.stopped) throw new StreamError('closed', 'the network is stopped', undefined)
  }
}
