import { MosaikError } from '../core/errors.js'
import type { PeerId, UniqueId } from '../core/id.js'
import type { Expiration } from './expiration.js'
import type { TicketClass } from './ticket.js'

/** Why a ticket was refused; counted in telemetry. */
export type InvalidTicketReason =
  | 'missing'
  | 'malformed'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'wrong-subject'
  | 'claims'

/** A ticket that does not grant what was asked (mosaik `InvalidTicket`). Never thrown into app code by the runtime. */
export class InvalidTicket extends MosaikError {
  readonly reason: InvalidTicketReason
  constructor(reason: InvalidTicketReason, message: string, options?: { cause?: unknown }) {
    super(`ticket/${reason}`, message, options)
    this.name = 'InvalidTicket'
    this.reason = reason
  }
}

/**
 * Decides whether a ticket of its `class` authorizes a peer (mosaik `TicketValidator`).
 *
 * - `signature()` must be a pure function of the validator's type and configuration (keys by
 *   fingerprint, never the secret itself): it enters the group id, so members that configure
 *   the same validator derive the same group and others never bond.
 * - `validate(data, peer)` resolves with when the grant ends, or rejects with `InvalidTicket`.
 *   It must be fast and self-contained (signature and claim checks, no network).
 */
export interface TicketValidator {
  readonly class: TicketClass
  signature(): UniqueId
  validate(data: Uint8Array, peer: PeerId): Promise<Expiration>
}
