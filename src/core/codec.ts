import { Encoder } from 'cbor-x'
import { CborScanError, DEFAULT_MAX_DEPTH, type DecodeLimits, MAX_BIGNUM_BYTES, scanCbor } from './cbor-scan.js'
import { MosaikError } from './errors.js'

export type { DecodeLimits } from './cbor-scan.js'

// Maps travel under CBOR tag 259 ("Map datatype"; cbor-x's default with `mapsAsObjects`), so
// they decode as `Map` with typed keys even when every key is a string; plain objects stay objects.
/** The one shared CBOR encoder: no record structures, so every peer decodes every frame alone. */
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: true })

/** Raised when a value cannot be CBOR-encoded (functions, symbols, cycles …) or decoded. */
export class EncodingError extends MosaikError {
  /** True when decoding refused input for a cap (depth, bignum size) rather than for its shape. */
  readonly oversized: boolean
  constructor(message: string, options?: { cause?: unknown; oversized?: boolean }) {
    super('encoding', message, options)
    this.name = 'EncodingError'
    this.oversized = options?.oversized ?? false
  }
}

/**
 * Encodes a value to CBOR. `Uint8Array`, `bigint`, `Map`, `Set`, `Date`, nested objects and
 * `undefined` round-trip exactly through `decode`. Throws `EncodingError` for values CBOR
 * cannot carry.
 */
export function encode(value: unknown): Uint8Array {
  assertEncodable(value, undefined)
  try {
    return encoder.encode(value)
  } catch (cause) {
    throw new EncodingError(`cannot encode value: ${(cause as Error).message}`, { cause })
  }
}

/**
 * Deterministic encoding for byte comparison (compare-exchange): plain-object keys are
 * sorted, so `{a, b}` and `{b, a}` encode to the same bytes.
 */
export function encodeCanonical(value: unknown): Uint8Array {
  return encode(canonicalize(value))
}

/**
 * Decodes one CBOR value. Throws `EncodingError` on garbage. Bytes are scanned first (see
 * cbor-scan.ts), in linear time, so input from a peer costs O(its length): tags our encoder
 * never emits (regexps, errors, records, shared references …), bignums over 256 bits,
 * indefinite lengths, nesting deeper than `limits.maxDepth` (64) and lengths beyond the
 * bytes given are refused before anything is built.
 */
export function decode<T = unknown>(bytes: Uint8Array, limits?: DecodeLimits): T {
  try {
    scanCbor(bytes, limits)
  } catch (cause) {
    if (cause instanceof CborScanError)
      throw new EncodingError(`refused CBOR: ${cause.message}`, { cause, oversized: cause.oversized })
    throw cause
  }
  try {
    return encoder.decode(bytes) as T
  } catch (cause) {
    throw new EncodingError(`cannot decode CBOR: ${(cause as Error).message}`, { cause })
  }
}

/** Byte-wise equality of two buffers. */
export function bytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true
  if (!a || !b || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize)
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, canonicalize(v)]))
  if (value instanceof Set) return new Set([...value].map(canonicalize))
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value).sort()) out[k] = canonicalize(value[k])
    return out
  }
  return value
}

/**
 * Depth from which `assertEncodable` tracks the path for cycles. A cycle goes round forever, so
 * it always reaches this depth and is caught there; values shallower than this (nearly every
 * message) allocate no set.
 */
const TRACK_CYCLES_FROM = 8

function assertEncodable(value: unknown, path: Set<object> | undefined, depth = 0): void {
  const t = typeof value
  if (t === 'function' || t === 'symbol') throw new EncodingError(`cannot encode a ${t}`)
  if (t === 'bigint' && bigintBytes(value as bigint) > MAX_BIGNUM_BYTES)
    throw new EncodingError(`cannot encode a bigint wider than ${MAX_BIGNUM_BYTES * 8} bits`)
  if (value === null || t !== 'object') return
  if (ArrayBuffer.isView(value) || value instanceof Date) return
  // Peers refuse the tags cbor-x would use for these (see cbor-scan.ts).
  if (value instanceof RegExp || value instanceof Error) throw new EncodingError('cannot encode a RegExp or Error')
  // Containers nest one level; a Map or Set is a tag around one, so two.
  if (depth >= DEFAULT_MAX_DEPTH - 1) throw new EncodingError(`cannot encode nesting deeper than ${DEFAULT_MAX_DEPTH}`)
  const obj = value as object
  let seen = path
  if (depth >= TRACK_CYCLES_FROM) {
    seen ??= new Set()
    if (seen.has(obj)) throw new EncodingError('cannot encode a cyclic value')
    seen.add(obj)
  }
  const next = depth + (obj instanceof Map || obj instanceof Set ? 2 : 1)
  if (Array.isArray(obj) || obj instanceof Set) for (const v of obj) assertEncodable(v, seen, next)
  else if (obj instanceof Map)
    for (const [k, v] of obj) {
      assertEncodable(k, seen, next)
      assertEncodable(v, seen, next)
    }
  else for (const v of Object.values(obj)) assertEncodable(v, seen, next)
  if (depth >= TRACK_CYCLES_FROM) seen?.delete(obj)
}

function bigintBytes(v: bigint): number {
  const m = v < 0n ? -1n - v : v
  return Math.ceil(m.toString(16).length / 2)
}
