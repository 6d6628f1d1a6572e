import type { ProducerConfig } from './config.js'
import { StreamError } from './errors.js'
import type { Sink } from './sink.js'
import type { StreamWhen } from './status.js'
import type { ChannelInfo, StreamId, StreamStats } from './types.js'

/**
 * One stream id's producer side as its handles see it. The fanout (`sink`) is made once the
 * streams service has loaded; until then the producer is offline.
 */
export interface SinkSlot {
  readonly streamId: StreamId
  readonly config: ProducerConfig
  /** The status every handle shows; the sink reports into it once made. */
  readonly when: StreamWhen
  /** The fanout; undefined until the streams service loaded, or for good if it could not. */
  sink: Sink | undefined
  /** Settles with `sink` once made, or undefined when the slot closed first or loading failed. */
  readonly ready: Promise<Sink | undefined>
  /** Open handles; the last one to close closes the slot. */
  handles: number
  closed: boolean
}

/**
 * A handle that sends datums of type `T` to every subscribed consumer (mosaik `Producer`).
 * Every handle of one stream id on one network shares one fanout; the stream stays
 * announced until the last handle closes.
 *
 * - `send(v)` waits until the producer is online and some consumer has room, then hands `v`
 *   to every consumer. It rejects with `StreamError` (`encoding`, `invalid`, `closed`).
 * - `trySend(v)` hands `v` over now, or returns false when offline, full or closed.
 *
 * The handle is usable at once; until the streams code has loaded (on the first `produce` or
 * `consume`) the producer is offline, so `send` waits and `trySend` returns false.
 *
 * "Full" means no consumer can take a datum without its lagging policy dropping one: so
 * `send` goes at the pace of the fastest consumer, and slower ones are dropped or sampled
 * (`onLagging`), never buffered without bound.
 */
export class Producer<T> {
  readonly #slot: SinkSlot
  readonly #release: () => void
  #closed = false

  constructor(slot: SinkSlot, release: () => void) {
    this.#slot = slot
    this.#release = release
  }

  get streamId(): StreamId {
    return this.#slot.streamId
  }

  /** Online status and subscription conditions (`when.online()`, `when.subscribed().minimumOf(2)` …). */
  get when(): StreamWhen {
    return this.#slot.when
  }

  get closed(): boolean {
    return this.#closed || this.#slot.closed || this.#slot.sink?.closed === true
  }

  isOnline(): boolean {
    return this.#slot.when.isOnline()
  }

  /** The consumers subscribed now, with their stats. */
  consumers(): ChannelInfo[] {
    return [...(this.#slot.sink?.subscriptions ?? [])].map((s) => s.info)
  }

  /** Subscriptions this producer refused so far (`maxConsumers`, `require`, tickets). */
  refusals(): number {
    return this.#slot.sink?.refusals ?? 0
  }

  /** Totals over the current consumers (datums and bytes written, drops, lag). */
  stats(): StreamStats & { consumers: number; undelivered: number } {
    let datums = 0
    let bytes = 0
    let dropped = 0
    let lag = 0
    const subscriptions = this.#slot.sink?.subscriptions ?? new Set()
    for (const s of subscriptions) {
      const c = s.info.counters
      datums += c.datums
      bytes += c.bytes
      dropped += c.dropped
      lag = Math.max(lag, c.lag)
    }
    const consumers = subscriptions.size
    return {
      datums,
      bytes,
      dropped,
      refused: 0,
      lag,
      connectedAt: undefined,
      consumers,
      undelivered: this.#slot.sink?.undelivered ?? 0,
    }
  }

  async send(value: T): Promise<void> {
    if (this.#closed) throw this.#closedError(value)
    const sink = this.#slot.sink ?? (await this.#slot.ready)
    if (!sink || this.#closed) throw this.#closedError(value)
    const bytes = sink.prepare(value)
    await sink.send(value, bytes, () => this.#closed)
  }

  trySend(value: T): boolean {
    const sink = this.#slot.sink
    if (this.closed || !sink || !sink.when.isOnline()) return false
    const bytes = sink.prepare(value)
    if (!sink.hasRoom(bytes.length)) return false
    sink.fanout(bytes)
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
