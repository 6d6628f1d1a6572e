import type { ConsumerEngine } from './consumer-engine.js'
import { StreamWhen } from './status.js'
import type { ChannelInfo, ConsumerOptions, Received, StreamId, StreamStats } from './types.js'

export type { Received } from './types.js'

/**
 * Starts the work behind a consumer handle once the streams service has loaded; resolves
 * undefined when it cannot (the network stopped first, or the code failed to load).
 */
export type ConsumerLoader<T> = (when: StreamWhen) => Promise<ConsumerEngine<T> | undefined>

/**
 * Receives datums of type `T` from every eligible producer of a stream (mosaik
 * `Consumer`). Producers are found through discovery (their entries announce the stream)
 * and re-checked whenever their entry changes; failed or ended subscriptions are retried
 * with backoff while the producer stays eligible.
 *
 * Read with `for await (const v of consumer)`, `recv()`, `tryRecv()`, or `received()` for
 * values with their producer. What waits here is bounded: each producer may have at most
 * `window` datums unacknowledged, and they are acknowledged only as the app takes them.
 *
 * The handle is usable at once; the code that subscribes loads with the streams service on
 * first use, so until then it is offline, has no producers and `tryRecv()` finds nothing.
 */
export class Consumer<T> implements AsyncIterable<T> {
  readonly streamId: StreamId
  /** Online status and conditions on the producers subscribed (`when.subscribed().minimumOf(2)` …). */
  readonly when: StreamWhen
  readonly #ready: Promise<ConsumerEngine<T> | undefined>
  readonly #release: (consumer: Consumer<unknown>) => void
  #engine: ConsumerEngine<T> | undefined
  #closed = false

  /** Made by `Streams.consume`: `load` starts the work behind it, `release` tells the service it closed. */
  constructor(
    streamId: StreamId,
    options: Pick<ConsumerOptions<T>, 'onlineWhen'>,
    load: ConsumerLoader<T>,
    release: (consumer: Consumer<unknown>) => void,
  ) {
    this.streamId = streamId
    this.#release = release
    this.when = new StreamWhen(`consumer ${streamId.short()}`, options.onlineWhen ?? ((c) => c), 0)
    this.#ready = load(this.when).then((engine) => {
      if (!engine) this.close()
      else if (this.#closed) engine.close()
      else this.#engine = engine
      return this.#engine
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  isOnline(): boolean {
    return this.when.isOnline()
  }

  /** The producers subscribed now, with their stats. */
  producers(): ChannelInfo[] {
    return this.#engine?.producers() ?? []
  }

  /** Totals since creation: datums and bytes received, values refused; `lag` = values waiting here. */
  stats(): StreamStats {
    return this.#engine?.stats() ?? { datums: 0, bytes: 0, refused: 0, dropped: 0, lag: 0, connectedAt: undefined }
  }

  /** The next value, waiting for one; undefined once the consumer is closed. */
  async recv(): Promise<T | undefined> {
    return (await this.#ready)?.recv()
  }

  /** The next value if one is waiting, else undefined. */
  tryRecv(): T | undefined {
    return this.#engine?.tryRecv()
  }

  /** The next value with the producer that sent it; undefined once closed. */
  async recvFrom(): Promise<Received<T> | undefined> {
    return (await this.#ready)?.recvFrom()
  }

  /** Iterates values with their producer until the consumer closes. */
  async *received(): AsyncGenerator<Received<T>, void, undefined> {
    for (;;) {
      const item = await this.recvFrom()
      if (!item) return
      yield item
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const item = await this.recvFrom()
      if (!item) return
      yield item.value
    }
  }

  /** Unsubscribes from every producer; pending `recv`s resolve undefined. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#engine) this.#engine.close()
    else this.when.close()
    this.#release(this as Consumer<unknown>)
  }
}
