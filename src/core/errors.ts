/** Base class of every error this library throws on purpose. `code` is stable and machine-readable. */
export class MosaikError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MosaikError'
    this.code = code
  }
}

/** Why a peer's input was refused. Counted in telemetry; the stream it came on is closed. */
export type RejectReason =
  | 'oversized'
  | 'malformed'
  | 'truncated'
  | 'bad-signature'
  | 'wrong-network'
  | 'wrong-group'
  | 'bad-proof'
  | 'duplicate-bond'
  | 'stale'
  | 'invalid-value'
  | 'protocol'
  /** The peer's tickets do not grant what it asked for (bond refused, or a frame its role may not send). */
  | 'unauthorized'
  | 'timeout'
  | 'term-jump'

/** A frame or message from a peer that could not be accepted. Never thrown into app code. */
export class ProtocolError extends MosaikError {
  readonly reason: RejectReason
  constructor(reason: RejectReason, message: string, options?: { cause?: unknown }) {
    super(`protocol/${reason}`, message, options)
    this.name = 'ProtocolError'
    this.reason = reason
  }
}

/** Waiting for an event took longer than its bound. The message says what was awaited. */
export class TimeoutError extends MosaikError {
  constructor(what: string, ms: number) {
    super('timeout', `timed out after ${ms} ms waiting for ${what}`)
    this.name = 'TimeoutError'
  }
}

/** An operation on something already stopped or closed. */
export class ClosedError extends MosaikError {
  constructor(what: string) {
    super('closed', `${what} is closed`)
    this.name = 'ClosedError'
  }
}

export type CellErrorKind = 'offline' | 'encoding' | 'invalid' | 'network-down' | 'unauthorized'

/**
 * A cell operation that failed. `value` carries what the caller tried to write so it
 * can retry; `kind` says whether a retry can help (`offline`) or not (`network-down`).
 */
export class CellError<V = unknown> extends MosaikError {
  readonly kind: CellErrorKind
  readonly value: V
  constructor(kind: CellErrorKind, message: string, value: V, options?: { cause?: unknown }) {
    super(`cell/${kind}`, message, options)
    this.name = 'CellError'
    this.kind = kind
    this.value = value
  }
}
