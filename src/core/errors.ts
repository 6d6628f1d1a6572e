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
  /** More than a peer may send in a while (discovery's announce pushes). */
  | 'rate-limited'

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
 * Why an `offline` cell operation failed, when known:
 * - `no-writer`: this peer is a reader and no member that could lead is reachable;
 * - `no-quorum`: strict mode and fewer voters reachable than a quorum;
 * - `no-leader`: voters are reachable but none leads (an election is under way or failing);
 * - `no-commit`: a leader is reachable but the write did not commit in time;
 * - `timeout`: a wait the caller bounded (`useSuspenseCell`'s `timeout`) ran out.
 */
export type CellErrorReason = 'no-writer' | 'no-quorum' | 'no-leader' | 'no-commit' | 'timeout'

/** What the failing peer could reach of the cell's group when the operation failed. */
export interface CellErrorDetails {
  /** Voting members reachable (this peer included when it votes). */
  readonly voters: number
  /** Voting members known (reachable or only listed by discovery). */
  readonly knownVoters: number
  /** Votes an election or a commit needs now. */
  readonly needed: number
  readonly strict: boolean
  readonly minVoters: number
  readonly leader: string | undefined
  readonly leaderReachable: boolean
  /** The bound that ran out, ms. */
  readonly waitedMs?: number
}

/**
 * A cell operation that failed. `value` carries what the caller tried to write so it
 * can retry; `kind` says whether a retry can help (`offline`) or not (`network-down`);
 * `reason` and `details` say why, when known (`message` says it in words, e.g.
 * "offline: 1 of 3 voters reachable; strict mode needs 2").
 */
export class CellError<V = unknown> extends MosaikError {
  readonly kind: CellErrorKind
  readonly value: V
  readonly reason: CellErrorReason | undefined
  readonly details: CellErrorDetails | undefined
  constructor(
    kind: CellErrorKind,
    message: string,
    value: V,
    options?: { cause?: unknown; reason?: CellErrorReason; details?: CellErrorDetails },
  ) {
    super(`cell/${kind}`, message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CellError'
    this.kind = kind
    this.value = value
    this.reason = options?.reason
    this.details = options?.details
  }
}
