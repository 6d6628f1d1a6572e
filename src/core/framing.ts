import { ProtocolError } from './errors.js'

/** Default largest frame a peer may send: 4 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024

/** Prefixes a payload with its length as a 4-byte big-endian unsigned integer. */
export function encodeFrame(payload: Uint8Array, maxFrameSize = DEFAULT_MAX_FRAME_SIZE): Uint8Array {
  if (payload.length > maxFrameSize) {
    throw new ProtocolError('oversized', `frame of ${payload.length} bytes exceeds the limit of ${maxFrameSize}`)
  }
  const out = new Uint8Array(4 + payload.length)
  new DataView(out.buffer).setUint32(0, payload.length)
  out.set(payload, 4)
  return out
}

/**
 * Reassembles length-prefixed frames from arbitrary chunks. `push` returns every frame
 * completed by the chunk; an announced length above the limit throws
 * `ProtocolError('oversized')` before any of that frame is buffered. `end()` throws
 * `ProtocolError('truncated')` if a partial frame is left.
 */
export class FrameDecoder {
  readonly maxFrameSize: number
  #buf: Uint8Array = new Uint8Array(0)

  constructor(maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {
    this.maxFrameSize = maxFrameSize
  }

  push(chunk: Uint8Array): Uint8Array[] {
    let buf = this.#buf.length === 0 ? chunk : concat(this.#buf, chunk)
    const frames: Uint8Array[] = []
    while (buf.length >= 4) {
      const len = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0)
      if (len > this.maxFrameSize) {
        this.#buf = new Uint8Array(0)
        throw new ProtocolError(
          'oversized',
          `peer announced a frame of ${len} bytes; the limit is ${this.maxFrameSize}`,
        )
      }
      if (buf.length < 4 + len) break
      frames.push(buf.slice(4, 4 + len))
      buf = buf.subarray(4 + len)
    }
    this.#buf = buf.length === 0 ? new Uint8Array(0) : buf.slice()
    return frames
  }

  /** Bytes of an incomplete frame still waiting for more input. */
  get buffered(): number {
    return this.#buf.length
  }

  end(): void {
    if (this.#buf.length > 0) {
      const n = this.#buf.length
      this.#buf = new Uint8Array(0)
      throw new ProtocolError('truncated', `stream ended inside a frame (${n} bytes pending)`)
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
