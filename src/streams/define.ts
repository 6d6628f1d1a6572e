import { type IdLike, UniqueId } from '../core/id.js'
import type { ChannelConditions } from './conditions.js'
import type { Consumer } from './consumer.js'
import type { Producer } from './producer.js'
import type { Streams } from './streams.js'
import type { ConsumerOptions, PeerInfo, ProducerOptions, StreamId, StreamTicketValidator } from './types.js'

/** Options of both sides (mosaik's unprefixed `stream!` keys), and per side (prefixed keys). */
export interface StreamDefOptions<T> {
  readonly require?: ((peer: PeerInfo) => boolean) | ReadonlyArray<(peer: PeerInfo) => boolean>
  readonly requireTicket?: StreamTicketValidator | readonly StreamTicketValidator[]
  readonly onlineWhen?: (c: ChannelConditions) => ChannelConditions
  readonly producer?: ProducerOptions<T>
  readonly consumer?: ConsumerOptions<T>
}

/** A stream declared once (mosaik's `stream!` / `StreamDef`): its id and baked-in options. */
export interface StreamDef<T> {
  readonly streamId: StreamId
  producer(network: { readonly streams: Streams }): Producer<T>
  consumer(network: { readonly streams: Streams }): Consumer<T>
  /** A producer, once it is online (mosaik `online_producer`). */
  onlineProducer(network: { readonly streams: Streams }): Promise<Producer<T>>
  /** A consumer, once it is online (mosaik `online_consumer`). */
  onlineConsumer(network: { readonly streams: Streams }): Promise<Consumer<T>>
}

/**
 * Declares a stream once, with options every call site shares. Unprefixed `require`,
 * `requireTicket` and `onlineWhen` apply to both sides; `producer` / `consumer` options are
 * merged over them for one side.
 *
 * ```ts
 * export const PriceFeed = defineStream<Price>('oracle.price', {
 *   producer: { require: (peer) => peer.hasTag('trusted') },
 * })
 * const producer = PriceFeed.producer(network)
 * ```
 *
 * A second `producer(network)` on the same network returns a handle on the same producer.
 */
export function defineStream<T>(id: IdLike, options: StreamDefOptions<T> = {}): StreamDef<T> {
  const streamId = UniqueId.from(id)
  const shared = {
    ...(options.require !== undefined && { require: options.require }),
    ...(options.requireTicket !== undefined && { requireTicket: options.requireTicket }),
    ...(options.onlineWhen !== undefined && { onlineWhen: options.onlineWhen }),
  }
  const producerOptions: ProducerOptions<T> = { ...shared, ...options.producer }
  const consumerOptions: ConsumerOptions<T> = { ...shared, ...options.consumer }
  const producer = (network: { readonly streams: Streams }): Producer<T> => {
    const existing = network.streams.producers.get(streamId.toString())
    // The declaration's options belong to the first producer; later calls share it.
    return existing && !existing.closed
      ? network.streams.produce<T>(streamId)
      : network.streams.produce<T>(streamId, producerOptions)
  }
  const consumer = (network: { readonly streams: Streams }) => network.streams.consume<T>(streamId, consumerOptions)
  return {
    streamId,
    producer,
    consumer,
    async onlineProducer(network) {
      const p = producer(network)
      await p.when.online()
      return p
    },
    async onlineConsumer(network) {
      const c = consumer(network)
      await c.when.online()
      return c
    },
  }
}
