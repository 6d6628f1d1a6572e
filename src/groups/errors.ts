import { MosaikError } from '../core/errors.js'

/**
 * Why a group operation failed:
 * - `offline`: no leader reachable within the timeout, the leader refused, or the entry
 *   was lost to a leader change; retrying may help.
 * - `encoding`: a command could not be CBOR-encoded; retrying will not help.
 * - `closed`: the group was left or its network stopped; permanent.
 * - `unauthorized`: this member's tickets do not grant writes (`requireTicket`/`writeAuth`).
 */
export type GroupErrorKind = 'offline' | 'encoding' | 'closed' | 'unauthorized'

/** A failed `execute`/`feed`/`query`/`when` call. Collections map it onto `CellError`. */
export class GroupError extends MosaikError {
  readonly kind: GroupErrorKind
  /**
   * `offline` because the call's own bound (`CallOptions.timeout`) ran out, rather than an
   * answer that refused it: a collection reports it as its write timeout.
   */
  readonly timedOut: boolean
  constructor(kind: GroupErrorKind, message: string, options?: { cause?: unknown; timedOut?: boolean }) {
    super(`group/${kind}`, message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GroupError'
    this.kind = kind
    this.timedOut = options?.timedOut === true
  }
}
