import { type IdLike, type PeerId, UniqueId } from '../core/id.js'
import { Emitter } from '../core/watch.js'
import type { Consumer } from './consumer.js'
import { produceOrShare } from './presence.js'
import type { Producer } from './producer.js'
import type { Streams } from './streams.js'
import type { ConsumerOptions } from './types.js'

/** The stream a room's events travel on. */
export function eventStreamId(room: IdLike): UniqueId {
  return UniqueId.from('mosaik-react.events').derive(UniqueId.from(room))
}

/**
 * Fire-and-forget events to everyone in a room ("reaction", "typing", "ping"): a stream
 * the peer both produces and consumes. Nothing is stored; peers that join later never see
 * earlier events; a slow peer misses events rather than slowing the room (`drop-oldest`).
 * Framework-free: React's `useBroadcastEvent` / `useEventListener` adapt it.
 *
 * ```ts
 * const events = new EventRoom<{ emoji: string }>(network, 'doc-42')
 * const off = events.listen((e, from) => console.log(from, e.emoji))
 * events.broadcast({ emoji: '🎉' })
 * ```
 */
export class EventRoom<E> {
  readonly streamId: UniqueId
  readonly #producer: Producer<E>
  readonly #consumer: Consumer<E>
  readonly #events = new Emitter<{ event: E; from: PeerId }>()
  #closed = false

  constructor(network: { readonly streams: Streams }, room: IdLike, options: Pick<ConsumerOptions<E>, 'schema'> = {}) {
    this.streamId = eventStreamId(room)
    // A slow peer misses the oldest events instead of slowing the room.
    this.#producer = produceOrShare<E>(network.streams, this.streamId, {
      onLagging: 'drop-oldest',
      window: 64,
      bufferSize: 64,
    })
    this.#consumer = network.streams.consume<E>(this.streamId, options)
    void this.#read()
  }

  /**
   * Sends `event` to every peer subscribed now. False when nobody is there or every link is
   * full; throws `StreamError` for a value that cannot be encoded.
   */
  broadcast(event: E): boolean {
    if (this.#closed) return false
    return this.#producer.trySend(event)
  }

  /** Resolves once another peer of the room listens (a broadcast then reaches someone). */
  online(): Promise<void> {
    return this.#producer.when.online()
  }

  /** Calls `listener` for every event from another peer; returns the unsubscribe function. */
  listen(listener: (event: E, from: PeerId) => void): () => void {
    return this.#events.on(({ event, from }) => listener(event, from))
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#producer.close()
    this.#consumer.close()
    this.#events.clear()
  }

  async #read(): Promise<void> {
    for await (const { value, from } of this.#consumer.received()) this.#events.emit({ event: value, from })
  }
}
