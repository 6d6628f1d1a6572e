import { StreamError } from './errors.js'
import type { Sink } from './sink.js'
import type { StreamWhen } from './status.js'
import type { ChannelInfo, StreamId, StreamStats } from './types.js'

/**
 * A handle that sends datums of type `T` to every subscribed consumer (mosaik `Producer`).
 * Every handle of one stream id on one network shares one fanout; the stream stays
 * announced until the last handle closes.
 *
 * - `send(v)` waits until the producer is online and some consumer has room, then hands `v`
 *   to every consumer. It rejects with `StreamError` (`encoding`, `invalid`, `closed`).
 * - `trySend(v)` hands `v` over now, or returns false when offline, full or closed.
 *
 * "Full" means no consumer can take a datum without its lagging policy dropping one: so
 * `send` goes at the pace of the fastest consumer, and slower ones are dropped or sampled
 * (`onLagging`), never buffered without bound.
 */
export class Producer<T> {
  readonly #sink: Sink
  readonly #release: () => void
  #closed = false

  constructor(sink: Sink, release: () => void) {
    this.#sink = sink
    this.#release = release
  }

  get streamId(): StreamId {
    return this.#sink.streamId
  }

  /** Online status and subscription conditions (`when.online()`, `when.subscribed().minimumOf(2)` …). */
  get when(): StreamWhen {
    return this.#sink.when
  }

  get closed(): boolean {
    return this.#closed || this.#sink.closed
  }

  isOnline(): boolean {
    return this.#sink.when.isOnline()
  }

  /** The consumers subscribed now, with their stats. */
  consumers(): ChannelInfo[] {
    return [...this.#sink.subscriptions].map((s) => s.info)
  }

  /** Subscriptions this producer refused so far (`maxConsumers`, `require`, tickets). */
  refusals(): number {
    return this.#sink.refusals
  }

  /** Totals over the current consumers (datums and bytes written, drops, lag). */
  stats(): StreamStats & { consumers: number; undelivered: number } {
    let datums = 0
    let bytes = 0
    let dropped = 0
    let lag = 0
    for (const s of this.#sink.subscriptions) {
      const c = s.info.counters
      datums += c.datums
      bytes += c.bytes
      dropped += c.dropped
      lag = Math.max(lag, c.lag)
    }
    const consumers = this.#sink.subscriptions.size
    return {
      datums,
      bytes,
      dropped,
      refused: 0,
      lag,
      connectedAt: undefined,
      consumers,
      undelivered: this.#sink.undelivered,
    }
  }

  async send(value: T): Promise<void> {
    if (this.#closed) throw this.#closedError(value)
    const bytes = this.#sink.prepare(value)
    await this.#sink.ready(value, bytes.length)
    if (this.#closed) throw this.#closedError(value)
    this.#sink.fanout(bytes)
  }

  trySend(value: T): boolean {
    if (this.closed || !this.#sink.when.isOnline()) return false
    const bytes = this.#sink.prepare(value)
    if (!this.#sink.hasRoom(bytes.length)) return false
    this.#sink.fanout(bytes)
    return true
  }

  /** Closes this handle; the last one closes the fanout and withdraws the stream. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#release()
  }

  #closedError(value: T): StreamError<T> {
    return new StreamError('closed', `producer of ${this.streamId.short()} is closed`, value)
  }
}
