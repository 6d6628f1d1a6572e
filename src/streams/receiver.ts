import type { StandardSchemaV1 } from '@standard-schema/spec'
import { decode } from '../core/codec.js'
import type { Channel } from '../network/types.js'
import { parseStartOrClose, parseToConsumer, type StreamCloseReason } from './messages.js'
import { checkSchema } from './schema.js'
import type { LinkInfo } from './status.js'

/** What a receiver reports to its consumer. */
export interface ReceiverHost {
  /** A checked value arrived; the consumer must call `taken(1)` once the app has it. */
  deliver(value: unknown, from: Receiver, bytes: number): void
  connected(r: Receiver): void
  /** The link ended; `reason` is the producer's or ours. */
  closed(r: Receiver, reason: string | undefined): void
  /** A value was refused by the decoder or schema: counted, not delivered. */
  refused(r: Receiver, detail: string, bytes: number): void
}

const HANDSHAKE_TIMEOUT_MS = 5_000
const ACK_DELAY_MS = 60

/**
 * The consumer's side of one producer (mosaik's consumer `Receiver`): subscribes, then
 * takes datums, checking each before it counts. The producer may have at most `window`
 * datums unacknowledged; one more is a protocol violation and ends the link. Acks go back
 * as the app takes values, batched per event-loop turn.
 */
export class Receiver {
  readonly info: LinkInfo
  readonly #channel: Channel
  readonly #host: ReceiverHost
  readonly #maxDatumBytes: number
  readonly #schema: StandardSchemaV1<unknown> | undefined
  /** The window we asked for: the most the producer may grant (what waits here is bounded by it). */
  readonly #asked: number
  #window = 0
  /** Received and not yet acknowledged (in the app's buffer or waiting for an ack flush). */
  #unacked = 0
  #toAck = 0
  #ackTimer: ReturnType<typeof setTimeout> | undefined
  #handshake: ReturnType<typeof setTimeout> | undefined
  /**
   * The producer probes once. Answering every probe would let it queue an answer here per
   * frame it sends, up to the channel's 16 MiB, for each producer, while it does not read.
   */
  #probed = false
  #state: 'handshake' | 'open' | 'closed' = 'handshake'

  constructor(
    channel: Channel,
    info: LinkInfo,
    host: ReceiverHost,
    opts: { net: string; window: number; maxDatumBytes: number; schema: StandardSchemaV1<unknown> | undefined },
  ) {
    this.#channel = channel
    this.info = info
    this.#host = host
    this.#maxDatumBytes = opts.maxDatumBytes
    this.#schema = opts.schema
    this.#asked = opts.window
    channel.onClose((i) => this.#finish(i.reason))
    if (channel.isClosed) return
    this.#handshake = setTimeout(() => this.end('unsubscribed', 'timeout'), HANDSHAKE_TIMEOUT_MS)
    channel.send({ t: 'sub', net: opts.net, stream: info.streamId.toString(), window: opts.window, criteria: {} })
    channel.onMessage((raw) => this.#onMessage(raw))
  }

  get closed(): boolean {
    return this.#state === 'closed'
  }

  /** The app took `n` values of this link: their credit goes back to the producer. */
  taken(n: number): void {
    if (this.#state !== 'open') return
    this.#toAck += n
    // Batched: at half the window at once, else within ACK_DELAY_MS (the producer still has
    // the other half of its credit meanwhile). Halves the frames of slow streams (presence).
    if (this.#toAck >= Math.max(1, Math.floor(this.#window / 2))) this.#flush()
    else this.#ackTimer ??= setTimeout(() => this.#flush(), ACK_DELAY_MS)
  }

  /** Tells the producer why and closes. Idempotent. */
  end(reason: StreamCloseReason, localReason: string = reason): void {
    if (this.#state === 'closed') return
    this.#channel.send({ t: 'close', reason })
    this.#channel.close(localReason)
    this.#finish(localReason)
  }

  #flush(): void {
    clearTimeout(this.#ackTimer)
    this.#ackTimer = undefined
    if (this.#toAck === 0 || this.#state !== 'open') return
    this.#unacked -= this.#toAck
    this.#channel.send({ t: 'ack', n: this.#toAck })
    this.#toAck = 0
  }

  #onMessage(raw: unknown): void {
    if (this.#state === 'closed') return
    if (this.#state === 'handshake') {
      const first = parseStartOrClose(raw)
      if (first?.t === 'probe') {
        if (this.#probed) this.#channel.reject('protocol', 'the producer probed twice')
        else this.#channel.send({ t: 'probe' })
        this.#probed = true
        return
      }
      if (!first || (first.t === 'start' && first.stream !== this.info.streamId.toString())) {
        this.#channel.reject('malformed', 'expected a start or close frame from the producer')
        return
      }
      clearTimeout(this.#handshake)
      if (first.t === 'close') {
        this.#channel.close(first.reason)
        this.#finish(first.reason)
        return
      }
      if (first.window > this.#asked) {
        this.#channel.reject('protocol', `producer granted a window of ${first.window}; ${this.#asked} was asked`)
        return
      }
      this.#window = first.window
      this.#state = 'open'
      this.info.state = 'connected'
      this.info.counters.connectedAt = performance.now()
      this.#host.connected(this)
      return
    }
    const msg = parseToConsumer(raw, this.#maxDatumBytes)
    if (msg === 'oversized') {
      this.#channel.reject('oversized', `datum larger than maxDatumBytes ${this.#maxDatumBytes}`)
      return
    }
    if (!msg) {
      this.#channel.reject('malformed', 'unexpected frame from a stream producer')
      return
    }
    if (msg.t === 'k') return
    if (msg.t === 'close') {
      this.#channel.close(msg.reason)
      this.#finish(msg.reason)
      return
    }
    // Credit: the producer may not run ahead of what we acknowledged.
    if (this.#unacked >= this.#window) {
      this.#channel.reject('protocol', `producer sent beyond its window of ${this.#window}`)
      return
    }
    this.#unacked++
    this.info.counters.datums++
    this.info.counters.bytes += msg.v.length
    let value: unknown
    try {
      value = decode(msg.v)
    } catch (err) {
      this.#channel.reject('malformed', `undecodable datum: ${(err as Error).message}`)
      return
    }
    const checked = checkSchema(this.#schema, value)
    if (!checked.ok) {
      this.info.counters.refused++
      this.#host.refused(this, checked.detail, msg.v.length)
      this.taken(1)
      return
    }
    this.#host.deliver(checked.value, this, msg.v.length)
  }

  #finish(reason: string | undefined): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    clearTimeout(this.#handshake)
    clearTimeout(this.#ackTimer)
    this.info.state = 'terminated'
    this.info.counters.connectedAt = undefined
    this.#host.closed(this, reason)
  }
}
