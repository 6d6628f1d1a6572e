import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { UniqueId } from '../../core/id.js'

/** The JWT algorithms mosaik-react issues and verifies (mosaik's set minus ES256K/ES512). */
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'ES256' | 'ES384' | 'EdDSA'

/**
 * A key that checks JWT signatures. `fingerprint` names the key material (a blake3 digest,
 * never the material itself) and enters validator signatures, hence group ids.
 */
export interface VerifyingKey {
  readonly alg: JwtAlgorithm
  readonly key: CryptoKey | Uint8Array
  readonly fingerprint: UniqueId
}

/** A key that signs JWT tickets; `verifying` is the matching verifying key. */
export interface SigningKey {
  readonly alg: JwtAlgorithm
  readonly key: CryptoKey | Uint8Array
  readonly verifying: VerifyingKey
}

/** An HMAC secret: signs and verifies (symmetric). */
export interface HmacKey extends SigningKey, VerifyingKey {}

/** A freshly generated asymmetric key pair and its public JWK (to configure validators elsewhere). */
export interface KeyPair {
  readonly signing: SigningKey
  readonly verifying: VerifyingKey
  readonly publicJwk: JWK
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/

function secretBytes(secret: Uint8Array | string): Uint8Array {
  if (secret instanceof Uint8Array) return Uint8Array.from(secret)
  if (typeof secret === 'string' && HEX.test(secret)) {
    const out = new Uint8Array(secret.length / 2)
    for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(secret.slice(i * 2, i * 2 + 2), 16)
    return out
  }
  throw new TypeError('an HMAC secret is a Uint8Array or a hex string')
}

function hmac(alg: 'HS256' | 'HS384' | 'HS512', bytes: number) {
  return Object.freeze({
    /**
     * The HMAC key from a secret of at least the hash size (RFC 7518 §3.2), as bytes or hex.
     * Throws `RangeError` for a shorter secret.
     */
    fromSecret(secret: Uint8Array | string): HmacKey {
      const key = secretBytes(secret)
      if (key.length < bytes) throw new RangeError(`an ${alg} secret needs at least ${bytes} bytes, got ${key.length}`)
      // mosaik: `id!("hs256").derive(secret)`.
      const fingerprint = UniqueId.from(alg.toLowerCase()).derive(key)
      const verifying: VerifyingKey = Object.freeze({ alg, key, fingerprint })
      return Object.freeze({ alg, key, fingerprint, verifying })
    },
  })
}

function fingerprintOf(alg: JwtAlgorithm, jwk: JWK): UniqueId {
  if (typeof jwk.x !== 'string') throw new TypeError(`not a public ${alg} JWK`)
  return UniqueId.from(alg.toLowerCase()).derive(`${jwk.kty}.${jwk.crv}.${jwk.x}.${jwk.y ?? ''}`)
}

function asymmetric(alg: 'ES256' | 'ES384' | 'EdDSA') {
  const publicOnly = (jwk: JWK): JWK => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) })
  return Object.freeze({
    /** A new key pair (the private key is extractable, so a backend can store it as a JWK). */
    async generate(): Promise<KeyPair> {
      const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) })
      const publicJwk = publicOnly(await exportJWK(pair.publicKey))
      const verifying = Object.freeze({ alg, key: pair.publicKey, fingerprint: fingerprintOf(alg, publicJwk) })
      return Object.freeze({ signing: Object.freeze({ alg, key: pair.privateKey, verifying }), verifying, publicJwk })
    },
    /** The verifying key from a public JWK. */
    async fromPublicJwk(jwk: JWK): Promise<VerifyingKey> {
      const pub = publicOnly(jwk)
      const key = (await importJWK(pub, alg)) as CryptoKey
      return Object.freeze({ alg, key, fingerprint: fingerprintOf(alg, pub) })
    },
    /** The signing key from a private JWK (with `d`). */
    async fromPrivateJwk(jwk: JWK): Promise<SigningKey> {
      if (typeof jwk.d !== 'string') throw new TypeError(`not a private ${alg} JWK`)
      const key = (await importJWK(jwk, alg)) as CryptoKey
      const pub = publicOnly(jwk)
      const verifying = Object.freeze({
        alg,
        key: (await importJWK(pub, alg)) as CryptoKey,
        fingerprint: fingerprintOf(alg, pub),
      })
      return Object.freeze({ alg, key, verifying })
    },
  })
}

/** HMAC-SHA256 (symmetric): `Hs256.fromSecret(32+ bytes or hex)`. */
export const Hs256 = hmac('HS256', 32)
/** HMAC-SHA384 (symmetric): `Hs384.fromSecret(48+ bytes or hex)`. */
export const Hs384 = hmac('HS384', 48)
/** HMAC-SHA512 (symmetric): `Hs512.fromSecret(64+ bytes or hex)`. */
export const Hs512 = hmac('HS512', 64)
/** ECDSA P-256: `await Es256.generate()`, `Es256.fromPublicJwk(jwk)`, `Es256.fromPrivateJwk(jwk)`. */
export const Es256 = asymmetric('ES256')
/** ECDSA P-384, as `Es256`. */
export const Es384 = asymmetric('ES384')
/** Ed25519, as `Es256`. */
export const EdDsa = asymmetric('EdDSA')
