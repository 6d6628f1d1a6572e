import { shortLivedBytes } from '../../core/slab.js'
import type { LogCommand } from '../log-command.js'

/**
 * Application commands (`{ t: 'cmd', b, o }`) packed into one byte string, for the batches a
 * leader replicates and the commands a follower forwards: each command is its bytes after their length (an unsigned LEB128
 * varint), then its call tag after one byte holding the tag's byte length plus one (0: no
 * tag). CBOR spent most of a frame's encoding and decoding on these small maps, their three
 * keys and the `'cmd'` in each; here a command costs two length prefixes.
 *
 * `unpack` reads a peer's bytes: every length is checked against what is left and against its
 * limit before anything is built, and a byte string that does not end exactly after its last
 * command is refused whole.
 */

/** Longest call tag `pack` carries, in characters (our tags are `<8 characters>:<sequence>`). */
export const MAX_PACKED_TAG_CHARS = 84

/** Whether `pack` can carry `c`: an application command whose tag, if any, fits one length byte. */
export function packable(c: LogCommand): boolean {
  return c.t === 'cmd' && (c.o === undefined || c.o.length <= MAX_PACKED_TAG_CHARS)
}

const utf8 = new TextEncoder()
// A tag's bytes as they are: a leading U+FEFF is part of the tag, not a byte-order mark.
const fromUtf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * The packed form of `commands`; each must pass `packable`. Sized exactly and carved from a
 * slab (`shortLivedBytes`): the bytes live only until the frame that carries them is encoded,
 * and a typed array of its own would cost more than the packing for a batch of one.
 */
export function pack(commands: readonly LogCommand[]): Uint8Array {
  let size = 0
  for (const c of commands) {
    if (!packable(c) || c.t !== 'cmd') throw new TypeError(`cannot pack a '${c.t}' command`)
    size += varintBytes(c.b.length) + c.b.length + 1 + (c.o === undefined ? 0 : tagBytes(c.o))
  }
  const out = shortLivedBytes(size)
  let at = 0
  for (const c of commands) {
    if (c.t !== 'cmd') continue
    at = writeVarint(out, at, c.b.length)
    out.set(c.b, at)
    at += c.b.length
    const o = c.o
    if (o === undefined) {
      out[at++] = 0
      continue
    }
    const n = tagBytes(o)
    out[at++] = n + 1
    // Tags are ASCII: one byte per character, written in place; any other goes through UTF-8.
    if (n === o.length) for (let i = 0; i < n; i++) out[at++] = o.charCodeAt(i)
    else {
      out.set(utf8.encode(o), at)
      at += n
    }
  }
  return out
}

/** Bytes of `o` in UTF-8. */
function tagBytes(o: string): number {
  for (let i = 0; i < o.length; i++) if (o.charCodeAt(i) > 0x7f) return utf8.encode(o).length
  return o.length
}

function varintBytes(n: number): number {
  let bytes = 1
  for (let v = n; v >= 0x80; v = Math.floor(v / 128)) bytes++
  return bytes
}

/**
 * The commands in `bytes`, at most `maxCount` of them and none longer than `maxBytes`;
 * undefined when `bytes` is not exactly such a packing. Command bytes are views of `bytes`.
 */
export function unpack(bytes: Uint8Array, maxCount: number, maxBytes: number): LogCommand[] | undefined {
  const out: LogCommand[] = []
  let at = 0
  while (at < bytes.length) {
    if (out.length >= maxCount) return undefined
    // The command's length: at most 4 varint bytes (2^28), then within the limit and the bytes left.
    let n = 0
    let shift = 0
    for (;;) {
      if (at >= bytes.length || shift > 21) return undefined
      const byte = bytes[at++] as number
      n += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) {
        // Shortest form only, as `pack` writes it: one packing per list of commands.
        if (byte === 0 && shift > 0) return undefined
        break
      }
      shift += 7
    }
    if (n > maxBytes || n > bytes.length - at) return undefined
    const b = bytes.subarray(at, at + n)
    at += n
    if (at >= bytes.length) return undefined
    const m = bytes[at++] as number
    if (m === 0) {
      out.push({ t: 'cmd', b })
      continue
    }
    const len = m - 1
    if (len > bytes.length - at) return undefined
    out.push({ t: 'cmd', b, o: readTag(bytes, at, len) })
    at += len
  }
  return out
}

/** One reusable array per tag length: `String.fromCharCode.apply` on it is the fast way to build a short string. */
const codes: number[][] = []

function readTag(bytes: Uint8Array, at: number, len: number): string {
  let units = codes[len]
  if (!units) {
    units = new Array<number>(len).fill(0)
    codes[len] = units
  }
  for (let i = 0; i < len; i++) {
    const c = bytes[at + i] as number
    if (c > 0x7f) return fromUtf8.decode(bytes.subarray(at, at + len))
    units[i] = c
  }
  return String.fromCharCode.apply(null, units)
}

function writeVarint(out: Uint8Array, at: number, n: number): number {
  let v = n
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80
    v = Math.floor(v / 128)
  }
  out[at++] = v
  return at
}
