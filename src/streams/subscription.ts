import type { Channel } from '../network/types.js'
import { TicketDeadline } from './deadline.js'
import { parseToProducer, type StreamCloseReason } from './messages.js'
import type { LinkInfo } from './status.js'
import type { LaggingPolicy } from './types.js'

/** What happened to one datum offered to one consumer. */
export type Offer = 'sent' | 'queued' | 'dropped' | 'lagging' | 'closed'

/**
 * The producer's side of one consumer (mosaik's per-consumer `Sender`): credit-based flow
 * control. At most `window` datums are in flight (written, not yet acknowledged); beyond
 * that up to `bufferSize` datums (and at most `maxQueuedBytes`) wait in a queue; beyond that
 * the lagging policy decides. So what a slow consumer costs is bounded by `window` datums in
 * flight plus the queue's bounds, and the libp2p stream's
 * own queue never holds more than `window` frames.
 */
export class Subscription {
  readonly info: LinkInfo
  readonly #channel: Channel
  readonly #window: number
  readonly #bufferSize: number
  readonly #maxQueuedBytes: number
  #queuedBytes = 0
  readonly #policy: LaggingPolicy
  readonly #onRoom: () => void
  readonly #onClosed: (sub: Subscription, reason: string | undefined) => void
  #queue: Uint8Array[] = []
  #inFlight = 0
  #closed = false
  #lastWrite = performance.now()
  readonly #expiry = new TicketDeadline(() => this.end('ticket-expired'))

  constructor(
    channel: Channel,
    info: LinkInfo,
    opts: {
      window: number
      bufferSize: number
      maxQueuedBytes: number
      policy: LaggingPolicy
      onRoom: () => void
      onClosed: (sub: Subscription, reason: string | undefined) => void
    },
  ) {
    this.#channel = channel
    this.info = info
    this.#window = opts.window
    this.#bufferSize = opts.bufferSize
    this.#maxQueuedBytes = opts.maxQueuedBytes
    this.#policy = opts.policy
    this.#onRoom = opts.onRoom
    this.#onClosed = opts.onClosed
    channel.onMessage((raw) => this.#onMessage(raw))
    channel.onClose((info) => this.#finish(info.reason))
  }

  get closed(): boolean {
    return this.#closed
  }

  /** True when a datum of `size` bytes offered now would not hit the lagging policy. */
  hasRoom(size = 0): boolean {
    return (
      !this.#closed &&
      ((this.#inFlight < this.#window && this.#queue.length === 0) ||
        (this.#queue.length < this.#bufferSize && this.#queuedBytes + size <= this.#maxQueuedBytes) ||
        this.#policy === 'drop-oldest')
    )
  }

  /** Hands one encoded datum to this consumer. */
  offer(bytes: Uint8Array): Offer {
    if (this.#closed) return 'closed'
    if (this.#inFlight < this.#window && this.#queue.length === 0) {
      this.#write(bytes)
      return 'sent'
    }
    if (this.#queue.length < this.#bufferSize && this.#queuedBytes + bytes.length <= this.#maxQueuedBytes) {
      this.#enqueue(bytes)
      this.#updateLag()
      return 'queued'
    }
    switch (this.#policy) {
      case 'drop-oldest':
        this.#dropOldest(bytes)
        return 'dropped'
      case 'drop-newest':
        this.info.counters.dropped++
        return 'dropped'
      case 'disconnect':
        this.info.counters.dropped++
        this.end('too-slow')
        return 'lagging'
    }
  }

  /**
   * Queues `bytes` behind as few of the oldest datums as it must drop for it (a large datum
   * may cost several small ones, or itself if it never fits): each one dropped is counted.
   */
  #dropOldest(bytes: Uint8Array): void {
    while (
      this.#queue.length > 0 &&
      (this.#queue.length >= this.#bufferSize || this.#queuedBytes + bytes.length > this.#maxQueuedBytes)
    ) {
      this.#dequeue()
      this.info.counters.dropped++
    }
    if (bytes.length <= this.#maxQueuedBytes) this.#enqueue(bytes)
    else this.info.counters.dropped++
    this.#updateLag()
  }

  /** Sends a keepalive if nothing was written for `idleMs` (libp2p resets idle streams). */
  keepalive(now: number, idleMs: number): void {
    if (this.#closed || now - this.#lastWrite < idleMs) return
    this.#lastWrite = now
    this.#channel.send({ t: 'k' })
  }

  /**
   * Ends the subscription at `at` (ms since the epoch), when its consumer's ticket expires;
   * never when undefined. A later call (a renewed ticket) replaces the time.
   */
  expireAt(at: number | undefined): void {
    if (!this.#closed) this.#expiry.set(at)
  }

  /** Tells the consumer why, then closes gracefully. Idempotent. */
  end(reason: StreamCloseReason): void {
    if (this.#closed) return
    this.#channel.send({ t: 'close', reason })
    this.#channel.close(reason)
    this.#finish(reason)
  }

  #write(bytes: Uint8Array): void {
    this.#inFlight++
    this.#lastWrite = performance.now()
    if (!this.#channel.send({ t: 'd', v: bytes })) return
    this.info.counters.datums++
    this.info.counters.bytes += bytes.length
    this.#updateLag()
  }

  #onMessage(raw: unknown): void {
    if (this.#closed) return
    const msg = parseToProducer(raw)
    if (!msg) {
      this.#channel.reject('malformed', 'unexpected frame from a stream consumer')
      return
    }
    if (msg.t === 'close') {
      this.#channel.close(msg.reason)
      this.#finish(msg.reason)
      return
    }
    if (msg.t !== 'ack') return
    // A consumer cannot acknowledge what it was never sent: that would grow its credit.
    if (msg.n > this.#inFlight) {
      this.#channel.reject('protocol', `acknowledged ${msg.n} datums with ${this.#inFlight} in flight`)
      return
    }
    const hadRoom = this.hasRoom()
    this.#inFlight -= msg.n
    while (this.#inFlight < this.#window && this.#queue.length > 0) this.#write(this.#dequeue())
    this.#updateLag()
    if (!hadRoom || this.#queue.length === 0) this.#onRoom()
  }

  #enqueue(bytes: Uint8Array): void {
    this.#queue.push(bytes)
    this.#queuedBytes += bytes.length
  }

  #dequeue(): Uint8Array {
    const bytes = this.#queue.shift() as Uint8Array
    this.#queuedBytes -= bytes.length
    return bytes
  }

  #updateLag(): void {
    this.info.counters.lag = this.#inFlight + this.#queue.length
  }

  #finish(reason: string | undefined): void {
    if (this.#closed) return
    this.#closed = true
    this.#expiry.set(undefined)
    this.#queue = []
    this.#queuedBytes = 0
    this.info.state = 'terminated'
    this.info.counters.connectedAt = undefined
    this.#onClosed(this, reason)
  }
}
