import { blake3 } from '@noble/hashes/blake3.js'
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'

const HEX64 = /^[0-9a-fA-F]{64}$/

/**
 * A 32-byte identifier, byte-compatible with mosaik's `UniqueId` (a blake3 digest).
 *
 * - `UniqueId.from("…64 hex…")` decodes the hex; any other string is `blake3(utf8(s))`.
 * - `UniqueId.from(bytes)` keeps 32 raw bytes as they are; other lengths are hashed.
 * - `id.derive(x)` is `blake3(id.bytes || bytes(x))`; `id.hashed()` is `blake3(id.bytes)`.
 *
 * Instances are immutable; compare with `equals`, key maps with `toString()`.
 */
export class UniqueId {
  readonly bytes: Uint8Array
  #hex: string | undefined

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  /** Builds an id from a name, a 64-hex string, 32 raw bytes or another id. */
  static from(input: string | Uint8Array | UniqueId): UniqueId {
    if (input instanceof UniqueId) return input
    if (typeof input === 'string') {
      return new UniqueId(HEX64.test(input) ? hexToBytes(input.toLowerCase()) : blake3(utf8ToBytes(input)))
    }
    if (input instanceof Uint8Array) {
      return new UniqueId(input.length === 32 ? Uint8Array.from(input) : blake3(input))
    }
    throw new TypeError('UniqueId.from expects a string, a Uint8Array or a UniqueId')
  }

  /** 32 random bytes from the platform CSPRNG. */
  static random(): UniqueId {
    return new UniqueId(randomBytes(32))
  }

  /** The all-zero id. */
  static zero(): UniqueId {
    return new UniqueId(new Uint8Array(32))
  }

  /** `blake3(this.bytes || part)`; a string contributes its UTF-8 bytes, an id its 32 bytes. */
  derive(part: string | Uint8Array | UniqueId): UniqueId {
    const tail = part instanceof UniqueId ? part.bytes : typeof part === 'string' ? utf8ToBytes(part) : part
    const h = blake3.create()
    h.update(this.bytes)
    h.update(tail)
    return new UniqueId(h.digest())
  }

  /** `blake3(this.bytes)`. */
  hashed(): UniqueId {
    return new UniqueId(blake3(this.bytes))
  }

  equals(other: UniqueId | undefined | null): boolean {
    if (!other) return false
    if (other === this) return true
    const a = this.bytes
    const b = other.bytes
    for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false
    return true
  }

  /** 64 lowercase hex characters. */
  toString(): string {
    this.#hex ??= bytesToHex(this.bytes)
    return this.#hex
  }

  /** The first 10 hex characters, for logs and UI. */
  short(): string {
    return this.toString().slice(0, 10)
  }

  toJSON(): string {
    return this.toString()
  }
}

/** Anything that names an id: a name, a 64-hex string or a `UniqueId`. */
export type IdLike = string | UniqueId

export type NetworkId = UniqueId
export type StoreId = UniqueId
export type GroupId = UniqueId
export type Tag = UniqueId
/** A libp2p peer id in its string form. */
export type PeerId = string
/** A committed log index; monotonic per replica (except after a reported revert). */
export type Version = number

/** Normalises an `IdLike` to a `UniqueId`. */
export function toId(id: IdLike): UniqueId {
  return UniqueId.from(id)
}
