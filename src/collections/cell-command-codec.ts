/**
 * A cell's `write` command, encoded and decoded without the general CBOR codec: the bytes are
 * the ones `encode` writes, and a decoded command is the one `decode` returns, so nothing on
 * the wire or in a stored log changes. Every replica decodes every committed write, so on a
 * busy cell this was the group's largest codec cost: cbor-x builds a map from two keys and a
 * string where this reads a fixed prefix and a length. Any other command, and any byte string
 * that is not exactly a write as our encoder writes it, goes through the general codec.
 *
 * A write as our encoder writes it: a two-entry map (cbor-x writes the 16-bit count form,
 * `b9 0002`), `"type"`, `"write"`, `"value"`, then the value's bytes. A plain `Uint8Array`
 * travels under tag 64 (`d8 40`), a Node `Buffer` (what `encode` returns in Node) without a
 * tag; then the byte string's length in its shortest form.
 */
import { decode, encode } from '../core/codec.js'

/** `{"type": "write", "value": …}` up to the value, as cbor-x writes it. */
const PREFIX = Uint8Array.from([
  0xb9, 0x00, 0x02, 0x64, 0x74, 0x79, 0x70, 0x65, 0x65, 0x77, 0x72, 0x69, 0x74, 0x65, 0x65, 0x76, 0x61, 0x6c, 0x75,
  0x65,
])
const TAG_64 = [0xd8, 0x40] as const
const BYTES = 0x40

type NodeBuffer = { isBuffer(v: unknown): boolean }
const Buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer

/** Encodes a cell command to the bytes `encode(command)` gives. */
export function encodeCellCommand(command: unknown): Uint8Array {
  const value = writtenValue(command)
  if (value === undefined) return encode(command)
  const tagged = value.constructor === Uint8Array
  if (!tagged && !Buffer?.isBuffer(value)) return encode(command)
  const n = value.length
  const head = n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
  const at = PREFIX.length + (tagged ? 2 : 0)
  const out = new Uint8Array(at + head + n)
  out.set(PREFIX)
  if (tagged) out.set(TAG_64, PREFIX.length)
  if (head === 1) out[at] = BYTES | n
  else if (head === 2) {
    out[at] = BYTES | 24
    out[at + 1] = n
  } else if (head === 3) {
    out[at] = BYTES | 25
    out[at + 1] = n >>> 8
    out[at + 2] = n & 0xff
  } else {
    out[at] = BYTES | 26
    new DataView(out.buffer).setUint32(at + 1, n)
  }
  out.set(value, at + head)
  return out
}

/**
 * Decodes a cell command's bytes to what `decode(bytes)` returns: the value is a view on
 * `bytes`, a plain `Uint8Array` when tagged and of `bytes`' own class when not, as cbor-x
 * gives it. Throws what `decode` throws for bytes that are not a command at all.
 */
export function decodeCellCommand(bytes: Uint8Array): unknown {
  const n = bytes.length
  const p = PREFIX.length
  if (n <= p + 1) return decode(bytes)
  for (let i = 0; i < p; i++) if (bytes[i] !== PREFIX[i]) return decode(bytes)
  let at = p
  const tagged = bytes[at] === TAG_64[0] && bytes[at + 1] === TAG_64[1]
  if (tagged) at += 2
  const initial = bytes[at]
  if (initial === undefined || initial >> 5 !== 2) return decode(bytes)
  const info = initial & 0x1f
  let length: number
  if (info < 24) {
    length = info
    at += 1
  } else if (info === 24 && at + 1 < n) {
    length = bytes[at + 1] as number
    if (length < 24) return decode(bytes)
    at += 2
  } else if (info === 25 && at + 2 < n) {
    length = ((bytes[at + 1] as number) << 8) | (bytes[at + 2] as number)
    if (length < 0x100) return decode(bytes)
    at += 3
  } else if (info === 26 && at + 4 < n) {
    length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0)
    if (length < 0x10000) return decode(bytes)
    at += 5
  } else return decode(bytes)
  // Exactly the value and nothing after it; anything else is the general codec's to judge.
  if (at + length !== n) return decode(bytes)
  const value = tagged ? new Uint8Array(bytes.buffer, bytes.byteOffset + at, length) : bytes.subarray(at, n)
  return { type: 'write', value }
}

/** The value of a `{ type: 'write', value }` object with exactly those own keys, in that order. */
function writtenValue(command: unknown): Uint8Array | undefined {
  if (typeof command !== 'object' || command === null || Object.getPrototypeOf(command) !== Object.prototype)
    return undefined
  const c = command as { type?: unknown; value?: unknown }
  if (c.type !== 'write' || !(c.value instanceof Uint8Array)) return undefined
  const keys = Object.keys(c)
  return keys.length === 2 && keys[0] === 'type' && keys[1] === 'value' ? c.value : undefined
}
