import { Uint8ArrayList } from 'uint8arraylist'
import { ProtocolError } from './errors.js'
import { shortLivedBytes } from './slab.js'

/** Default largest frame a peer may send: 4 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024

/** Prefixes a payload with its length as a 4-byte big-endian unsigned integer (in a short-lived buffer: hand it on, do not keep it). */
export function encodeFrame(payload: Uint8Array, maxFrameSize = DEFAULT_MAX_FRAME_SIZE): Uint8Array {
  if (payload.length > maxFrameSize) {
    throw new ProtocolError('oversized', `frame of ${payload.length} bytes exceeds the limit of ${maxFrameSize}`)
  }
  const out = shortLivedBytes(4 + payload.length)
  const n = payload.length
  out[0] = n >>> 24
  out[1] = (n >>> 16) & 0xff
  out[2] = (n >>> 8) & 0xff
  out[3] = n & 0xff
  out.set(payload, 4)
  return out
}

/**
 * Reassembles length-prefixed frames from arbitrary chunks. `push` returns every frame
 * completed by the chunk; an announced length above the limit throws
 * `ProtocolError('oversized')` before any of that frame is buffered. `end()` throws
 * `ProtocolError('truncated')` if a partial frame is left.
 *
 * Linear: chunks are kept in a list (`Uint8ArrayList`, libp2p's own) and each byte is copied
 * once, when its frame completes; a frame sent in many small pieces is never re-copied per piece.
 */
export class FrameDecoder {
  readonly maxFrameSize: number
  readonly #buf = new Uint8ArrayList()
  /** Length of the frame being assembled, once its header arrived. */
  #want: number | undefined

  constructor(maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {
    this.maxFrameSize = maxFrameSize
  }

  push(chunk: Uint8Array, maxFrameSize = this.maxFrameSize): Uint8Array[] {
    if (chunk.length > 0) this.#buf.append(chunk)
    const frames: Uint8Array[] = []
    for (;;) {
      if (this.#want === undefined) {
        if (this.#buf.length < 4) break
        const len = this.#buf.getUint32(0)
        if (len > maxFrameSize) {
          this.#buf.consume(this.#buf.length)
          throw new ProtocolError('oversized', `peer announced a frame of ${len} bytes; the limit is ${maxFrameSize}`)
        }
        this.#buf.consume(4)
        this.#want = len
      }
      if (this.#buf.length < this.#want) break
      frames.push(this.#buf.slice(0, this.#want))
      this.#buf.consume(this.#want)
      this.#want = undefined
    }
    return frames
  }

  /** Bytes of an incomplete frame still waiting for more input (its header included). */
  get buffered(): number {
    return this.#buf.length + (this.#want === undefined ? 0 : 4)
  }

  end(): void {
    if (this.buffered > 0) {
      const n = this.buffered
      this.#buf.consume(this.#buf.length)
      this.#want = undefined
      throw new ProtocolError('truncated', `stream ended inside a frame (${n} bytes pending)`)
    }
  }
}
