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
  constructor(kind: GroupErrorKind, message: string, options?: { cause?: unknown }) {
    super(`group/${kind}`, message, options)
    this.name = 'GroupError'
    this.kind = kind
  }
}
