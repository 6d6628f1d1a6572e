/**
 * A pre-scan of CBOR bytes before cbor-x builds anything from them. cbor-x keeps its tag
 * handlers in one module-wide table and runs them while it decodes (a bignum of tag 2 is
 * built in quadratic time, tag 105 compiles a peer-chosen regexp, tags 28/29 build shared
 * references), so it cannot refuse a tag before paying for it. This scan walks the items
 * once, in linear time and without allocating, and refuses:
 * - tags other than those our own encoder emits (`ALLOWED_TAGS`), or an allowed tag around
 *   content of the wrong shape;
 * - bignums (tags 2/3) longer than `MAX_BIGNUM_BYTES`: app values may hold bigints (they
 *   round-trip, see codec.ts), and a bounded bignum costs O(1);
 * - indefinite lengths, reserved or unassigned simple values (our encoder emits neither);
 * - a length or count larger than the bytes left (nothing is allocated on a claim);
 * - nesting deeper than `maxDepth`, and trailing bytes after the one item.
 */

/** Caps applied to bytes before they are decoded. */
export interface DecodeLimits {
  /** Deepest nesting of arrays, maps and tags. Default 64. */
  readonly maxDepth?: number
}

/** Default nesting cap of `decode`. */
export const DEFAULT_MAX_DEPTH = 64
/** Longest bignum payload accepted (256 bits): a bigint of that size decodes in O(1). */
export const MAX_BIGNUM_BYTES = 32

/** Content a tag must wrap. */
enum Want {
  Any = 0,
  Number = 1,
  Bignum = 2,
  Bytes = 3,
  Array = 4,
  Map = 5,
}

/**
 * Tags cbor-x emits for our values with our options: 1 (Date as epoch seconds), 2/3
 * (bigints beyond 64 bits), 64–87 (typed arrays; `tagUint8Array`), 258 (Set), 259 (Map).
 */
function wantFor(tag: number): Want | undefined {
  if (tag === 1) return Want.Number
  if (tag === 2 || tag === 3) return Want.Bignum
  if (tag >= 64 && tag <= 87) return Want.Bytes
  if (tag === 258) return Want.Array
  if (tag === 259) return Want.Map
  return undefined
}

/** Thrown by `scanCbor`; `codec.decode` wraps it in an `EncodingError`. */
export class CborScanError extends Error {
  readonly oversized: boolean
  constructor(message: string, oversized = false) {
    super(message)
    this.name = 'CborScanError'
    this.oversized = oversized
  }
}

// Remaining item counts per open container; reused (the scan never re-enters itself).
let stack = new Float64Array(DEFAULT_MAX_DEPTH + 1)

/** Work done by scans so far (items visited): tests and the fuzzer check decoding stays linear. */
export const scanWork = { items: 0, scans: 0 }

/**
 * Validates that `bytes` hold exactly one CBOR item our decoder may build. Linear in
 * `bytes.length`; throws `CborScanError` at the first thing refused.
 */
export function scanCbor(bytes: Uint8Array, limits: DecodeLimits = {}): void {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH
  if (stack.length < maxDepth + 1) stack = new Float64Array(maxDepth + 1)
  const end = bytes.length
  let pos = 0
  let depth = 0
  let want: Want = Want.Any
  let items = 0
  // stack[0] is the top level: one item.
  stack[0] = 1
  scanWork.scans++
  for (;;) {
    // Close finished containers.
    while (depth > 0 && stack[depth] === 0) depth--
    if (depth === 0 && stack[0] === 0) break
    stack[depth] = (stack[depth] as number) - 1
    if (pos >= end) throw new CborScanError('truncated CBOR')
    items++
    const initial = bytes[pos++] as number
    const major = initial >> 5
    const info = initial & 0x1f
    let arg: number
    if (info < 24) arg = info
    else if (info === 24) {
      if (pos + 1 > end) throw new CborScanError('truncated CBOR')
      arg = bytes[pos] as number
      pos += 1
    } else if (info === 25) {
      if (pos + 2 > end) throw new CborScanError('truncated CBOR')
      arg = ((bytes[pos] as number) << 8) | (bytes[pos + 1] as number)
      pos += 2
    } else if (info === 26) {
      if (pos + 4 > end) throw new CborScanError('truncated CBOR')
      arg =
        (bytes[pos] as number) * 0x1000000 +
        (((bytes[pos + 1] as number) << 16) | ((bytes[pos + 2] as number) << 8) | (bytes[pos + 3] as number))
      pos += 4
    } else if (info === 27) {
      if (pos + 8 > end) throw new CborScanError('truncated CBOR')
      // Only the magnitude matters here: anything past 2^53 exceeds every length we accept.
      let v = 0
      for (let i = 0; i < 8; i++) v = v * 256 + (bytes[pos + i] as number)
      arg = v
      pos += 8
    } else throw new CborScanError(info === 31 ? 'indefinite-length CBOR is not accepted' : 'reserved CBOR header')

    const expected = want
    want = Want.Any
    switch (major) {
      case 0:
      case 1:
        if (expected !== Want.Any && expected !== Want.Number) throw new CborScanError('tag around the wrong content')
        break
      case 2:
      case 3:
        if (expected !== Want.Any && !(major === 2 && (expected === Want.Bytes || expected === Want.Bignum)))
          throw new CborScanError('tag around the wrong content')
        if (expected === Want.Bignum && arg > MAX_BIGNUM_BYTES)
          throw new CborScanError(`bignum of ${arg} bytes; the limit is ${MAX_BIGNUM_BYTES}`, true)
        if (arg > end - pos) throw new CborScanError(`string of ${arg} bytes with ${end - pos} left`)
        pos += arg
        break
      case 4:
      case 5: {
        if (expected !== Want.Any && expected !== (major === 4 ? Want.Array : Want.Map))
          throw new CborScanError('tag around the wrong content')
        const n = major === 4 ? arg : arg * 2
        if (n > end - pos) throw new CborScanError(`container of ${arg} items with ${end - pos} bytes left`)
        if (n > 0) {
          if (depth >= maxDepth) throw new CborScanError(`nesting deeper than ${maxDepth}`, true)
          stack[++depth] = n
        }
        break
      }
      case 6: {
        if (expected !== Want.Any) throw new CborScanError('tag around the wrong content')
        const w = wantFor(arg)
        if (w === undefined) throw new CborScanError(`CBOR tag ${arg} is not accepted from peers`)
        if (depth >= maxDepth) throw new CborScanError(`nesting deeper than ${maxDepth}`, true)
        want = w
        // The tag's content is one more item at a deeper level.
        stack[++depth] = 1
        break
      }
      default: // 7: simple values and floats
        if (info >= 25) {
          if (expected !== Want.Any && expected !== Want.Number) throw new CborScanError('tag around the wrong content')
        } else if (info < 20 || info > 23 || expected !== Want.Any)
          throw new CborScanError('unassigned CBOR simple value')
    }
  }
  scanWork.items += items
  if (pos !== end) throw new CborScanError(`${end - pos} trailing bytes after the CBOR item`)
}
