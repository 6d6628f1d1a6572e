import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose'
import type { PeerId, UniqueId } from '../../core/id.js'
import { Expiration } from '../expiration.js'
import { InvalidTicket, type InvalidTicketReason, type TicketValidator } from '../validator.js'
import { JWT_CLASS } from './claims.js'
import type { VerifyingKey } from './keys.js'

export { jwtExpiration } from './claims.js'

/** Largest JWT accepted, bytes (checked before anything is decoded). */
const MAX_JWT_BYTES = 4 * 1024

interface JwtConfig {
  readonly keys: readonly VerifyingKey[]
  readonly issuers: readonly string[]
  readonly audiences: readonly string[]
  readonly subject: string | undefined
  readonly claims: Readonly<Record<string, unknown>>
  readonly allowNonExpiring: boolean
  readonly maxLifetimeMs: number | undefined
  readonly maxAgeMs: number | undefined
  readonly now: () => number
}

function u64le(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(n))), true)
  return out
}

/**
 * mosaik's `Jwt` ticket validator, on `jose` (WebCrypto: browsers and Node). Checks the
 * signature against its keys (any of them: key rotation), then `iss` (any allowed issuer),
 * `aud` (any allowed audience), `sub` (the peer id unless `requireSubject`), `nbf`, `exp`
 * (required unless `allowNonExpiring`), `iat` age, and required claims. Resolves with the
 * token's expiry.
 *
 * Builders return a new validator (the receiver never changes), so a validator handed to a
 * group keeps the signature its group id was derived from.
 *
 * ```ts
 * const validator = Jwt.withKey(Hs256.fromSecret(secretHex)).allowIssuer('my-app')
 * ```
 */
export class Jwt implements TicketValidator {
  /** The ticket class of JWT tickets (mosaik `Jwt::CLASS`). */
  static readonly CLASS: UniqueId = JWT_CLASS
  readonly #c: JwtConfig
  /** Computed once: the configuration never changes. */
  #signature: UniqueId | undefined

  private constructor(config: JwtConfig) {
    this.#c = Object.freeze(config)
  }

  /** A validator that accepts JWTs signed by `key`. */
  static withKey(key: VerifyingKey | { readonly verifying: VerifyingKey }): Jwt {
    return new Jwt({
      keys: [toVerifying(key)],
      issuers: [],
      audiences: [],
      subject: undefined,
      claims: {},
      allowNonExpiring: false,
      maxLifetimeMs: undefined,
      maxAgeMs: undefined,
      now: Date.now,
    })
  }

  get class(): UniqueId {
    return Jwt.CLASS
  }

  /** Also accept JWTs signed by `key` (zero-downtime key rotation). */
  addKey(key: VerifyingKey | { readonly verifying: VerifyingKey }): Jwt {
    return this.#with({ keys: [...this.#c.keys, toVerifying(key)] })
  }

  /** Require `iss` to be one of the allowed issuers (call again for more). */
  allowIssuer(issuer: string): Jwt {
    return this.#with({ issuers: [...this.#c.issuers, issuer] })
  }

  /** Require `aud` to name one of the allowed audiences (call again for more). */
  allowAudience(audience: string): Jwt {
    return this.#with({ audiences: [...this.#c.audiences, audience] })
  }

  /** Require this `sub` instead of the peer id. */
  requireSubject(subject: string): Jwt {
    return this.#with({ subject })
  }

  /** Require a private claim with this exact (JSON-equal) value; several compose as AND. */
  requireClaim(name: string, value: unknown): Jwt {
    return this.#with({ claims: { ...this.#c.claims, [name]: value } })
  }

  /** Accept JWTs without `exp` (they never expire). */
  allowNonExpiring(): Jwt {
    return this.#with({ allowNonExpiring: true })
  }

  /** Refuse tokens whose `exp` lies more than `ms` ahead. */
  maxLifetime(ms: number): Jwt {
    return this.#with({ maxLifetimeMs: ms })
  }

  /** Require `iat` and refuse tokens issued more than `ms` ago. */
  maxAge(ms: number): Jwt {
    return this.#with({ maxAgeMs: ms })
  }

  /** Wall clock used for `exp`/`nbf`/`iat` checks (tests); not part of the signature. */
  withClock(now: () => number): Jwt {
    return this.#with({ now })
  }

  /** Deterministic from the configuration: class, key algorithms and fingerprints, every rule. */
  signature(): UniqueId {
    this.#signature ??= this.#computeSignature()
    return this.#signature
  }

  #computeSignature(): UniqueId {
    const c = this.#c
    let sig = Jwt.CLASS
    for (const k of c.keys) sig = sig.derive(k.alg).derive(k.fingerprint)
    sig = sig
      .derive(new Uint8Array([c.allowNonExpiring ? 1 : 0]))
      .derive(c.issuers.join(','))
      .derive(c.audiences.join(','))
      .derive(c.subject ?? '')
      .derive(u64le(c.maxLifetimeMs ?? 0))
      .derive(u64le(c.maxAgeMs ?? 0))
    for (const name of Object.keys(c.claims).sort()) sig = sig.derive(name).derive(JSON.stringify(c.claims[name]))
    return sig
  }

  async validate(data: Uint8Array, peer: PeerId): Promise<Expiration> {
    const c = this.#c
    if (!(data instanceof Uint8Array) || data.length > MAX_JWT_BYTES) throw invalid('malformed', 'not a JWT')
    let token: string
    let alg: string | undefined
    try {
      token = new TextDecoder('utf-8', { fatal: true }).decode(data)
      alg = decodeProtectedHeader(token).alg
    } catch (cause) {
      throw invalid('malformed', 'not a JWT', cause)
    }
    const keys = c.keys.filter((k) => k.alg === alg)
    if (keys.length === 0) throw invalid('bad-signature', `no key for algorithm ${String(alg).slice(0, 16)}`)
    const now = c.now()
    let payload: JWTPayload | undefined
    let failure: InvalidTicket | undefined
    for (const k of keys) {
      try {
        payload = (
          await jwtVerify(token, k.key, {
            algorithms: [k.alg],
            currentDate: new Date(now),
            ...(c.issuers.length > 0 ? { issuer: [...c.issuers] } : {}),
            ...(c.audiences.length > 0 ? { audience: [...c.audiences] } : {}),
            subject: c.subject ?? peer,
            ...(c.allowNonExpiring ? {} : { requiredClaims: ['exp'] }),
            ...(c.maxAgeMs !== undefined ? { maxTokenAge: `${Math.ceil(c.maxAgeMs / 1000)}s` } : {}),
          })
        ).payload
        break
      } catch (err) {
        failure = fromJose(err)
        // A wrong signature may verify under the next key; a failed claim fails under all.
        if (failure.reason !== 'bad-signature') throw failure
      }
    }
    if (!payload) throw failure ?? invalid('bad-signature', 'signature does not verify')
    if (payload.exp !== undefined && !Number.isSafeInteger(payload.exp))
      throw invalid('malformed', 'exp is not a representable time')
    if (payload.exp !== undefined && c.maxLifetimeMs !== undefined && payload.exp * 1000 - now > c.maxLifetimeMs)
      throw invalid('claims', 'the token lives longer than allowed')
    for (const [name, value] of Object.entries(c.claims)) {
      if (JSON.stringify(payload[name]) !== JSON.stringify(value))
        throw invalid('claims', `claim ${name} does not match`)
    }
    return payload.exp === undefined ? Expiration.never() : Expiration.at(payload.exp * 1000)
  }

  #with(change: Partial<JwtConfig>): Jwt {
    return new Jwt({ ...this.#c, ...change })
  }
}

function toVerifying(key: VerifyingKey | { readonly verifying: VerifyingKey }): VerifyingKey {
  return 'fingerprint' in key ? key : key.verifying
}

function invalid(reason: InvalidTicketReason, message: string, cause?: unknown): InvalidTicket {
  return new InvalidTicket(reason, message, cause === undefined ? undefined : { cause })
}

function fromJose(err: unknown): InvalidTicket {
  if (err instanceof errors.JWTExpired) return invalid('expired', 'the token expired', err)
  if (err instanceof errors.JWTClaimValidationFailed) {
    const reason: InvalidTicketReason =
      err.claim === 'iss'
        ? 'wrong-issuer'
        : err.claim === 'aud'
          ? 'wrong-audience'
          : err.claim === 'sub'
            ? 'wrong-subject'
            : err.claim === 'nbf'
              ? 'not-yet-valid'
              : err.claim === 'exp' || err.claim === 'iat'
                ? 'expired'
                : 'claims'
    return invalid(reason, `claim ${err.claim} refused: ${err.reason}`, err)
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return invalid('bad-signature', 'signature does not verify', err)
  return invalid('malformed', `not a valid JWT: ${(err as Error)?.message ?? String(err)}`, err)
}
