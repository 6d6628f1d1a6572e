import { decodeJwt } from 'jose'
import { UniqueId } from '../../core/id.js'
import { Expiration } from '../expiration.js'

/**
 * What a peer needs of a JWT without checking it: the ticket class and the expiry of its own
 * ticket. Kept apart from the validator so that an app that only carries tickets (every
 * `NetworkProvider`) does not bundle JWT verification.
 */

/** The ticket class of JWT tickets (mosaik `Jwt::CLASS`). */
export const JWT_CLASS: UniqueId = UniqueId.from('mosaik.tickets.jwt.v1')

/**
 * The `exp` of a JWT read without verifying it (for scheduling a refresh of one's own
 * ticket, never for trusting someone else's): `never` without `exp`, undefined when the
 * string is not a JWT.
 */
export function jwtExpiration(token: string): Expiration | undefined {
  try {
    const { exp } = decodeJwt(token)
    return exp === undefined ? Expiration.never() : Expiration.at(exp * 1000)
  } catch {
    return undefined
  }
}
