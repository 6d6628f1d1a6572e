import type { Stream } from '@libp2p/interface'
import { decode, EncodingError, encode } from '../core/codec.js'
import { ProtocolError, type RejectReason } from '../core/errors.js'
import { DEFAULT_MAX_FRAME_SIZE, encodeFrame, FrameDecoder } from '../core/framing.js'
import type { PeerId } from '../core/id.js'
import { shortLivedBytes } from '../core/slab.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import { boundedSignal } from './retry.js'
import type { Channel, CloseInfo } from './types.js'

/** Longest a graceful close waits for queued frames to flush before resetting the stream. */
const CLOSE_TIMEOUT_MS = 10_000
/**
 * Default bytes a peer may send before `authenticated()`: the handshake (hello, proofs) and the
 * acceptor's `welcome`, which lists its bonds, fit easily.
 */
export const DEFAULT_PRE_AUTH_BYTES = 64 * 1024
/** Default bytes queued for a peer that does not read before its channel is dropped. */
export const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024
/** Bytes of frames joined into one write; a frame that would pass it writes the batch first. */
const MAX_BATCH_BYTES = 64 * 1024
/** Default time a peer may leave our writes blocked (no `drain`) before its channel is dropped. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000

/** Limits of one `StreamChannel` (see `ChannelOptions`). */
export interface ChannelLimits {
  readonly maxFrameSize?: number
  /** Largest frame accepted from the peer, if smaller than what we send; default `maxFrameSize`. */
  readonly maxInboundFrameSize?: number
  /** Bytes accepted in all before `authenticated()`; undefined: no such budget. */
  readonly preAuthBytes?: number
  readonly maxQueuedBytes?: number
  readonly drainTimeoutMs?: number
}

/** What a channel needs from its network: who we are and where rejections are reported. */
export interface ChannelContext {
  readonly peerId: PeerId
  emitTelemetry(event: TelemetryEvent): void
}

/**
 * A `Channel` over one libp2p v3 stream: length-prefixed CBOR frames, at most
 * `maxFrameSize` bytes each. Frames sent within one task leave together, in one
 * `stream.send()` at the end of it (a microtask): one yamux frame, one noise frame and one
 * window update from the peer instead of one of each per message. Backpressure follows
 * libp2p v3: when `stream.send()` returns false, further frames wait in an ordered queue
 * until the stream's `'drain'` event.
 *
 * Bad input from the peer (an oversized, undecodable or truncated frame) never reaches
 * listeners: it counts an `input.rejected` event and resets the stream.
 */
export class StreamChannel implements Channel {
  readonly remotePeer: PeerId
  readonly protocol: string
  readonly initiator: boolean
  readonly #stream: Stream
  readonly #ctx: ChannelContext
  readonly #maxFrameSize: number
  readonly #decoder: FrameDecoder
  /** Bytes the peer may still send before `authenticated()`; undefined once authenticated. */
  #preAuthLeft: number | undefined
  readonly #maxQueued: number
  readonly #drainTimeoutMs: number
  #queue: Uint8Array[] = []
  #queuedBytes = 0
  /** Frames sent in this task, written together by `#flushBatch` at its end. */
  #batch: Uint8Array[] = []
  #batchBytes = 0
  #drainTimer: ReturnType<typeof setTimeout> | undefined
  #waitingForDrain = false
  #closing = false
  /** Who ended the stream first; decides whether a graceful close reads 'local' or 'remote'. */
  #endedBy: 'local' | 'remote' | undefined
  #localReason: CloseInfo | undefined
  #closeInfo: CloseInfo | undefined
  #inbox: unknown[] | undefined = []
  #messageListeners = new Set<(message: unknown) => void>()
  #closeListeners = new Set<(info: CloseInfo) => void>()

  constructor(stream: Stream, remotePeer: PeerId, ctx: ChannelContext, limits: ChannelLimits = {}) {
    this.#stream = stream
    this.remotePeer = remotePeer
    this.protocol = stream.protocol
    this.initiator = stream.direction === 'outbound'
    this.#ctx = ctx
    this.#maxFrameSize = limits.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE
    this.#preAuthLeft = limits.preAuthBytes
    this.#maxQueued = limits.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES
    this.#drainTimeoutMs = limits.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS
    this.#decoder = new FrameDecoder(limits.maxInboundFrameSize ?? this.#maxFrameSize)
    stream.addEventListener('message', this.#onData)
    stream.addEventListener('drain', this.#onDrain)
    stream.addEventListener('remoteCloseWrite', this.#onRemoteCloseWrite)
    stream.addEventListener('close', this.#onStreamClose)
    if (stream.status !== 'open') this.#finish({ by: 'remote', reason: 'reset', detail: `stream ${stream.status}` })
  }

  get isClosed(): boolean {
    return this.#closeInfo !== undefined
  }

  /** True once `authenticated()` lifted the pre-auth byte budget (or there was none). */
  get isAuthenticated(): boolean {
    return this.#preAuthLeft === undefined
  }

  /** The peer passed the handshake: the pre-auth byte budget no longer applies. */
  authenticated(): void {
    this.#preAuthLeft = undefined
  }

  /** `bytes` more before `authenticated()` (the peer proved part of the handshake); none once authenticated. */
  allowPreAuth(bytes: number): void {
    if (this.#preAuthLeft !== undefined) this.#preAuthLeft += Math.max(0, bytes)
  }

  /** Bytes waiting in our send queue for the peer to read (this task's batch included). */
  get queuedBytes(): number {
    return this.#queuedBytes + this.#batchBytes
  }

  /** Why the channel closed, once it has. */
  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo
  }

  /**
   * Encodes and queues one message; false when the channel is closed. Throws `EncodingError`
   * for values CBOR cannot carry and `ProtocolError('oversized')` for a message larger than
   * the frame limit: both are local bugs, not the peer's.
   */
  send(message: unknown): boolean {
    if (this.#closeInfo || this.#closing) return false
    const frame = encodeFrame(encode(message), this.#maxFrameSize)
    if (this.#batchBytes > 0 && this.#batchBytes + frame.length > MAX_BATCH_BYTES) this.#flushBatch()
    if (this.#closeInfo) return false
    if (this.#waitingForDrain || this.#queue.length > 0) return this.#enqueue(frame)
    if (this.#batch.push(frame) === 1) queueMicrotask(this.#flushBatch)
    this.#batchBytes += frame.length
    return true
  }

  /** Waits behind a blocked stream; false (and the channel dropped) past `maxQueuedBytes`. */
  #enqueue(frame: Uint8Array): boolean {
    if (this.#queuedBytes + frame.length > this.#maxQueued) {
      // A reader that stops reading is dropped, not buffered for.
      this.#dropSlowReader(`${this.#queuedBytes} bytes queued; the limit is ${this.#maxQueued}`)
      return false
    }
    this.#queue.push(frame)
    this.#queuedBytes += frame.length
    return true
  }

  /** Writes this task's frames as one chunk (or queues it behind a blocked stream). */
  readonly #flushBatch = (): void => {
    const batch = this.#batch
    if (batch.length === 0) return
    const bytes = this.#batchBytes
    this.#batch = []
    this.#batchBytes = 0
    if (this.#closeInfo) return
    const chunk = batch.length === 1 ? (batch[0] as Uint8Array) : concat(batch, bytes)
    if (this.#waitingForDrain || this.#queue.length > 0) this.#enqueue(chunk)
    else this.#write(chunk)
  }

  onMessage(listener: (message: unknown) => void): () => void {
    this.#messageListeners.add(listener)
    const buffered = this.#inbox
    if (buffered && buffered.length > 0) {
      this.#inbox = undefined
      for (const m of buffered) this.#deliver(m)
    }
    this.#inbox = undefined
    return () => {
      this.#messageListeners.delete(listener)
    }
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    if (this.#closeInfo) {
      listener(this.#closeInfo)
      return () => {}
    }
    this.#closeListeners.add(listener)
    return () => {
      this.#closeListeners.delete(listener)
    }
  }

  close(reason?: CloseInfo['reason'], detail?: string): void {
    if (this.#closeInfo || this.#closing) return
    this.#closing = true
    const info: CloseInfo = {
      by: 'local',
      ...(reason !== undefined && { reason }),
      ...(detail !== undefined && { detail }),
    }
    void this.#flushThenClose().finally(() => this.#finish(info))
  }

  reject(reason: RejectReason, detail: string): void {
    if (this.#closeInfo) return
    this.#ctx.emitTelemetry({
      type: 'input.rejected',
      at: performance.now(),
      peer: this.#ctx.peerId,
      remote: this.remotePeer,
      protocol: this.protocol,
      reason,
      detail,
    })
    this.#finish({ by: 'local', reason, detail })
    this.#stream.abort(new ProtocolError(reason, detail))
  }

  /** Resets the stream at once, dropping anything queued. */
  abort(reason: CloseInfo['reason'] = 'shutdown'): void {
    if (this.#closeInfo) return
    this.#finish({ by: 'local', reason })
    this.#stream.abort(new Error(`channel aborted: ${reason}`))
  }

  #write(frame: Uint8Array): void {
    try {
      if (!this.#stream.send(frame)) {
        this.#waitingForDrain = true
        this.#drainTimer ??= setTimeout(
          () => this.#dropSlowReader(`no drain within ${this.#drainTimeoutMs} ms`),
          this.#drainTimeoutMs,
        )
      }
    } catch (err) {
      this.#finish({ by: 'error', reason: 'reset', detail: (err as Error).message })
    }
  }

  readonly #onDrain = (): void => {
    this.#waitingForDrain = false
    clearTimeout(this.#drainTimer)
    this.#drainTimer = undefined
    while (this.#queue.length > 0 && !this.#waitingForDrain && !this.#closeInfo) {
      const frame = this.#queue.shift() as Uint8Array
      this.#queuedBytes -= frame.length
      this.#write(frame)
    }
  }

  #dropSlowReader(detail: string): void {
    if (this.#closeInfo) return
    this.#finish({ by: 'local', reason: 'slow-reader', detail })
    this.#stream.abort(new Error(`peer stopped reading: ${detail}`))
  }

  async #flushThenClose(): Promise<void> {
    this.#flushBatch()
    const bound = boundedSignal(CLOSE_TIMEOUT_MS, `${this.protocol} to flush and close`)
    try {
      while (this.#queue.length > 0 || this.#waitingForDrain) {
        if (this.#closeInfo) return
        await this.#stream.onDrain({ signal: bound.signal })
        this.#onDrain()
      }
      await this.#stream.close({ signal: bound.signal })
    } catch {
      this.#stream.abort(new Error('channel close timed out'))
    } finally {
      bound.dispose()
    }
  }

  readonly #onData = (event: { data: Uint8Array | { subarray(): Uint8Array } }): void => {
    if (this.#closeInfo) return
    // Before the handshake, the chunk's bytes are charged before any frame of it is cut or
    // decoded: only the part within the budget is framed. Its frames may include the one that
    // authenticates the peer (a sender's batch, or TCP joining writes): if a listener calls
    // `authenticated()` while they are delivered, the rest of the chunk is taken unbounded, and
    // if it calls `allowPreAuth`, the rest is charged against the raised budget.
    let rest = event.data instanceof Uint8Array ? event.data : event.data.subarray()
    while (rest.length > 0) {
      const left: number | undefined = this.#preAuthLeft
      if (left === undefined) {
        this.#take(rest)
        return
      }
      if (left === 0) {
        this.reject('oversized', 'the peer sent more than its pre-handshake byte budget')
        return
      }
      const allowed = Math.min(rest.length, left)
      this.#preAuthLeft = left - allowed
      if (!this.#take(allowed === rest.length ? rest : rest.subarray(0, allowed))) return
      rest = rest.subarray(allowed)
    }
  }

  /** Cuts, decodes and delivers the frames `bytes` completes, in order; false once the channel is closed. */
  #take(bytes: Uint8Array): boolean {
    let frames: Uint8Array[]
    try {
      frames = this.#decoder.push(bytes)
    } catch (err) {
      this.#rejectError(err)
      return false
    }
    for (const frame of frames) {
      let message: unknown
      try {
        message = decode(frame)
      } catch (err) {
        const oversized = err instanceof EncodingError && err.oversized
        this.reject(oversized ? 'oversized' : 'malformed', `undecodable frame: ${(err as Error).message}`)
        return false
      }
      if (this.#closeInfo) return false
      if (this.#inbox) this.#inbox.push(message)
      else this.#deliver(message)
    }
    return !this.#closeInfo
  }

  readonly #onRemoteCloseWrite = (): void => {
    if (this.#closeInfo) return
    try {
      this.#decoder.end()
    } catch (err) {
      this.#rejectError(err)
      return
    }
    // The peer is done; finish our half after flushing what we still owe it.
    this.#endedBy ??= 'remote'
    if (!this.#closing) {
      this.#closing = true
      void this.#flushThenClose().finally(() => this.#finish({ by: 'remote' }))
    }
  }

  readonly #onStreamClose = (event: { error?: Error; local?: boolean }): void => {
    if (this.#closeInfo) return
    if (event.error) {
      this.#finish({ by: event.local ? 'error' : 'remote', reason: 'reset', detail: event.error.message })
    } else {
      this.#finish(this.#endedBy === 'local' && this.#localReason ? this.#localReason : { by: 'remote' })
    }
  }

  #rejectError(err: unknown): void {
    if (err instanceof ProtocolError) this.reject(err.reason, err.message)
    else this.reject('malformed', String(err))
  }

  #deliver(message: unknown): void {
    for (const l of [...this.#messageListeners]) {
      try {
        l(message)
      } catch (err) {
        console.error('mosaik-react: a channel message listener threw', err)
      }
    }
  }

  #finish(info: CloseInfo): void {
    if (this.#closeInfo) return
    this.#closeInfo = info
    this.#queue = []
    this.#queuedBytes = 0
    this.#batch = []
    this.#batchBytes = 0
    clearTimeout(this.#drainTimer)
    this.#drainTimer = undefined
    this.#inbox = undefined
    this.#stream.removeEventListener('message', this.#onData)
    this.#stream.removeEventListener('drain', this.#onDrain)
    this.#stream.removeEventListener('remoteCloseWrite', this.#onRemoteCloseWrite)
    this.#stream.removeEventListener('close', this.#onStreamClose)
    const listeners = [...this.#closeListeners]
    this.#closeListeners.clear()
    this.#messageListeners.clear()
    for (const l of listeners) {
      try {
        l(info)
      } catch (err) {
        console.error('mosaik-react: a channel close listener threw', err)
      }
    }
  }
}

/** `frames` back to back in one buffer of `bytes` bytes. */
function concat(frames: readonly Uint8Array[], bytes: number): Uint8Array {
  const out = shortLivedBytes(bytes)
  let at = 0
  for (const f of frames) {
    out.set(f, at)
    at += f.length
  }
  return out
}
