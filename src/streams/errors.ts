import { MosaikError } from '../core/errors.js'

/**
 * Why a stream operation failed: `offline` (a producer not online; `trySend` returns false
 * instead), `encoding` (CBOR cannot carry the value, or it is larger than `maxDatumBytes`),
 * `invalid` (the schema refused it), `closed` (the handle or network is closed), `exists`
 * (a producer with other options already exists for this stream id; `existing` holds it).
 */
export type StreamErrorKind = 'offline' | 'encoding' | 'invalid' | 'closed' | 'exists'

export class StreamError<V = unknown> extends MosaikError {
  readonly kind: StreamErrorKind
  /** The value that failed (so the caller can retry), or the existing producer for `exists`. */
  readonly value: V
  constructor(kind: StreamErrorKind, message: string, value: V, options?: { cause?: unknown }) {
    super(`stream/${kind}`, message, options)
    this.name = 'StreamError'
    this.kind = kind
    this.value = value
  }
}
