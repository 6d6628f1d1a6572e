import { decode, encode } from '../../../../src/core/codec.js'
import type { RejectReason } from '../../../../src/core/errors.js'
import type { PeerId } from '../../../../src/core/id.js'
import type { Channel, CloseInfo } from '../../../../src/network/types.js'

/** What one end of a simulated channel needs from the network that carries it. */
export interface ChannelCarrier {
  /** Schedules `fn` on the far end's process after a seeded delay (in order per channel); false when it cannot arrive. */
  carry(from: SimChannel, fn: () => void): boolean
  /** Counts a refusal, as the real channel's `input.rejected`. */
  rejected(at: SimChannel, reason: RejectReason, detail: string): void
  /** Lets a test rewrite or drop what this end sends (a hostile member): undefined drops. */
  tamper?(at: SimChannel, message: unknown): unknown
}

/**
 * One end of a simulated framed stream. Every message crosses as CBOR bytes (the project codec,
 * both ways, so what a peer receives passed the same decoder as over libp2p), in order, after
 * a delay the scheduler draws from the seed. A broken link resets both ends.
 */
export class SimChannel implements Channel {
  readonly remotePeer: PeerId
  readonly localPeer: PeerId
  readonly protocol: string
  readonly initiator: boolean
  readonly maxFrameSize: number
  peer: SimChannel | undefined
  /** The last delivery scheduled from this end (virtual ms), so frames keep their order. */
  lastAt = 0
  /** This end sent its bond `welcome`: the handshake is over and bond frames may follow. */
  established = false
  readonly #carrier: ChannelCarrier
  #closed: CloseInfo | undefined
  readonly #listeners = new Set<(m: unknown) => void>()
  readonly #buffer: unknown[] = []
  readonly #closeListeners = new Set<(info: CloseInfo) => void>()

  constructor(
    carrier: ChannelCarrier,
    local: PeerId,
    remote: PeerId,
    protocol: string,
    initiator: boolean,
    maxFrameSize: number,
  ) {
    this.#carrier = carrier
    this.localPeer = local
    this.remotePeer = remote
    this.protocol = protocol
    this.initiator = initiator
    this.maxFrameSize = maxFrameSize
  }

  get isClosed(): boolean {
    return this.#closed !== undefined
  }

  send(message: unknown): boolean {
    if (this.#closed) return false
    const out = this.#carrier.tamper ? this.#carrier.tamper(this, message) : message
    if (out === undefined) return true
    return this.sendRaw(out)
  }

  /** Sends without the tamper hook (a hostile member's own forged frames). */
  sendRaw(message: unknown): boolean {
    if (this.#closed) return false
    if ((message as { type?: unknown }).type === 'welcome') this.established = true
    const bytes = encode(message)
    const ok = this.#carrier.carry(this, () => this.peer?.arrive(bytes))
    if (!ok) this.reset()
    return ok
  }

  /** Bytes from the far end: bounded, then decoded, then delivered. */
  arrive(bytes: Uint8Array): void {
    if (this.#closed) return
    if (bytes.length > this.maxFrameSize) {
      this.reject('oversized', `frame of ${bytes.length} bytes`)
      return
    }
    let message: unknown
    try {
      message = decode(bytes)
    } catch (err) {
      this.reject('malformed', String(err))
      return
    }
    if (this.#listeners.size === 0) this.#buffer.push(message)
    for (const l of [...this.#listeners]) l(message)
  }

  onMessage(listener: (message: unknown) => void): () => void {
    this.#listeners.add(listener)
    if (this.#listeners.size === 1 && this.#buffer.length > 0) for (const m of this.#buffer.splice(0)) listener(m)
    return () => this.#listeners.delete(listener)
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    if (this.#closed) {
      listener(this.#closed)
      return () => {}
    }
    this.#closeListeners.add(listener)
    return () => this.#closeListeners.delete(listener)
  }

  close(reason?: CloseInfo['reason'], detail?: string): void {
    if (this.#closed) return
    this.#end({ by: 'local', ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) })
    const info: CloseInfo = { by: 'remote', ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) }
    if (!this.#carrier.carry(this, () => this.peer?.ended(info))) this.peer?.ended({ by: 'error', reason: 'reset' })
  }

  reject(reason: RejectReason, detail: string): void {
    if (this.#closed) return
    this.#carrier.rejected(this, reason, detail)
    this.#end({ by: 'local', reason, detail })
    if (!this.#carrier.carry(this, () => this.peer?.ended({ by: 'error', reason: 'reset' })))
      this.peer?.ended({ by: 'error', reason: 'reset' })
  }

  authenticated(): void {}

  /** The link broke: both ends close as reset (the far end after a delay, or at once if unreachable). */
  reset(): void {
    if (this.#closed) return
    this.#end({ by: 'error', reason: 'reset' })
    const far = this.peer
    if (far && !this.#carrier.carry(this, () => far.ended({ by: 'error', reason: 'reset' })))
      far.ended({ by: 'error', reason: 'reset' })
  }

  /** The far end closed (or the link broke). */
  ended(info: CloseInfo): void {
    if (!this.#closed) this.#end(info)
  }

  /** The process of this end died: it hears nothing more, and tells nobody. */
  silence(): void {
    this.#closed = { by: 'error', reason: 'reset' }
    this.#listeners.clear()
    this.#closeListeners.clear()
  }

  #end(info: CloseInfo): void {
    this.#closed = info
    this.#listeners.clear()
    const listeners = [...this.#closeListeners]
    this.#closeListeners.clear()
    for (const l of listeners) l(info)
  }
}
