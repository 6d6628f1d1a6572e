import { SignJWT } from 'jose'
import type { PeerId } from '../../core/id.js'
import { Expiration } from '../expiration.js'
import { createTicket, type Ticket } from '../ticket.js'
import type { SigningKey } from './keys.js'
import { Jwt } from './validator.js'

interface Claims {
  readonly issuer?: string
  readonly subject?: string
  readonly audience?: string
  readonly issuedAt?: number
  readonly notBefore?: number
  readonly tokenId?: string
  readonly custom: Readonly<Record<string, unknown>>
}

/**
 * Issues JWT tickets (mosaik `JwtTicketBuilder`): signs a JWT whose `sub` is the peer id
 * and wraps it as a `Ticket` of class `Jwt.CLASS`, ready for `network.discovery.addTicket`.
 * Usually runs on the app's backend, which holds the signing key.
 *
 * ```ts
 * const ticket = await new JwtTicketBuilder(key).issuer('my-app').build(peerId, Expiration.in(3_600_000))
 * ```
 */
export class JwtTicketBuilder {
  readonly #key: SigningKey
  readonly #claims: Claims

  constructor(key: SigningKey, claims: Claims = { custom: {} }) {
    this.#key = key
    this.#claims = Object.freeze(claims)
  }

  issuer(issuer: string): JwtTicketBuilder {
    return this.#with({ issuer })
  }

  /** Overrides `sub` (default: the peer id the ticket is built for). */
  subject(subject: string): JwtTicketBuilder {
    return this.#with({ subject })
  }

  audience(audience: string): JwtTicketBuilder {
    return this.#with({ audience })
  }

  /** Overrides `iat` (ms since the epoch; default now). */
  issuedAt(ms: number): JwtTicketBuilder {
    return this.#with({ issuedAt: ms })
  }

  /** Sets `nbf` (ms since the epoch). */
  notBefore(ms: number): JwtTicketBuilder {
    return this.#with({ notBefore: ms })
  }

  tokenId(jti: string): JwtTicketBuilder {
    return this.#with({ tokenId: jti })
  }

  /** Adds a private claim. */
  claim(name: string, value: unknown): JwtTicketBuilder {
    return this.#with({ custom: { ...this.#claims.custom, [name]: value } })
  }

  /** Signs a ticket for `peer`, valid until `expires` (default: one hour from now). */
  async build(peer: PeerId, expires: Expiration = Expiration.in(3_600_000)): Promise<Ticket> {
    return createTicket(Jwt.CLASS, await this.token(peer, expires))
  }

  /** The signed JWT alone (what a backend's auth endpoint returns). */
  async token(peer: PeerId, expires: Expiration = Expiration.in(3_600_000)): Promise<string> {
    const c = this.#claims
    const jwt = new SignJWT({ ...c.custom })
      .setProtectedHeader({ alg: this.#key.alg, typ: 'JWT' })
      .setSubject(c.subject ?? peer)
      .setIssuedAt(Math.floor((c.issuedAt ?? Date.now()) / 1000))
    if (c.issuer !== undefined) jwt.setIssuer(c.issuer)
    if (c.audience !== undefined) jwt.setAudience(c.audience)
    if (c.notBefore !== undefined) jwt.setNotBefore(Math.floor(c.notBefore / 1000))
    if (c.tokenId !== undefined) jwt.setJti(c.tokenId)
    if (expires.kind === 'at') jwt.setExpirationTime(Math.floor(expires.at.getTime() / 1000))
    return jwt.sign(this.#key.key)
  }

  #with(change: Partial<Claims>): JwtTicketBuilder {
    return new JwtTicketBuilder(this.#key, { ...this.#claims, ...change })
  }
}
