import type { ConnectionEncrypter, MessageStream, SecuredConnection } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import type { Uint8ArrayList } from 'uint8arraylist'

type NoiseInit = Parameters<typeof noise>[0]
type Components = Parameters<ReturnType<typeof noise>>[0]

/**
 * The length decoder noise gives its transport messages (`@libp2p/noise` 17, `@libp2p/utils`
 * `LengthPrefixedDecoder`) learns that a chunk ended by throwing a `RangeError` when fewer than
 * two bytes are left: once per chunk received, and the throw (a stack captured each time) was
 * the hottest function of a commit's profile, 11 to 17 % of its CPU. This decoder answers 0 for
 * a short buffer instead. The decoder loop then needs `2 + 0` bytes, has fewer and stops: the
 * same outcome, with no exception. A full buffer decodes exactly as before.
 */
export function uint16BEOrShort(data: Uint8Array | Uint8ArrayList): number {
  if (data.length < 2) return 0
  if (data instanceof Uint8Array) return ((data[0] as number) << 8) | (data[1] as number)
  return data.getUint16(0)
}

interface LengthPrefixedDecoderShape {
  lengthDecoder: (data: Uint8Array | Uint8ArrayList) => number
  encodingLength: (length: number) => number
}

/** Connections whose decoder was swapped, and left as they were (for the tests and the bench). */
export const noiseDecoderCounts = { swapped: 0, left: 0 }

/**
 * Swaps the throwing length decoder of a secured noise connection for `uint16BEOrShort`. The
 * field is noise's own, not its API: it is swapped only when it is there and behaves as the
 * two-byte big-endian decoder (checked on sample bytes, so a minified build is recognized too);
 * anything else is left alone. Returns whether it swapped (`test/network/noise-decoder.test.ts`
 * fails when an upgrade of noise stops it from finding the field).
 */
export function quietLengthDecoder(connection: MessageStream): boolean {
  const decoder = (connection as unknown as { decoder?: Partial<LengthPrefixedDecoderShape> }).decoder
  if (typeof decoder?.lengthDecoder !== 'function' || typeof decoder.encodingLength !== 'function') return false
  try {
    if (decoder.lengthDecoder(Uint8Array.of(1, 2)) !== 0x0102 || decoder.encodingLength(0x0102) !== 2) return false
  } catch {
    return false
  }
  decoder.lengthDecoder = uint16BEOrShort
  return true
}

/**
 * Connections whose encrypted output was made one buffer per send, left as they were (no
 * `encrypt` found), and in-memory connections, which need no joining.
 */
export const noiseFrameCounts = { joined: 0, left: 0, inMemory: 0, sealing: 0 }

/** Noise's cipher call (`crypto.encrypt` of its encrypter, `chaCha20Poly1305Encrypt` of its crypto). */
export type NoiseEncrypt = (
  plaintext: Uint8Array | Uint8ArrayList,
  nonce: Uint8Array,
  ad: Uint8Array,
  k: Uint8Array,
) => Uint8Array | Uint8ArrayList

/**
 * Gives a noise encrypter the `sealing` of its own cipher call (`noise-crypto.ts`). The field
 * is noise's, not its API: nothing changes when it is missing (then `noiseFrameCounts.sealing`
 * stays put, and `test/network/noise-decoder.test.ts` fails).
 */
function swapEncrypt(encrypter: unknown, sealing: (own: NoiseEncrypt) => NoiseEncrypt): boolean {
  const crypto = (encrypter as { crypto?: { encrypt?: unknown } }).crypto
  if (typeof crypto?.encrypt !== 'function') return false
  crypto.encrypt = sealing(crypto.encrypt as NoiseEncrypt)
  return true
}

/**
 * Noise's `encrypt` returns each transport message as a byte list of two parts, its two-byte
 * length and its ciphertext, and TCP (`@libp2p/tcp` 11) writes every part of a list with its own
 * `socket.write`: two system calls per message, half of a TCP commit's CPU in its profile. This
 * makes `encrypt` return the same bytes as one buffer, so a message costs one write: in Node
 * without a copy (`noise-crypto.ts` seals with room for the length), elsewhere with one copy. WebSockets send each part as its own message, so the same holds
 * there. The bytes on the wire do not change. Only an `encrypt` method is wrapped; returns
 * false, changing nothing, when the connection has none.
 */
export function oneBufferFrames(connection: MessageStream): boolean {
  const stream = connection as unknown as { encrypt?: (chunk: Uint8Array | Uint8ArrayList) => unknown }
  const encrypt = stream.encrypt
  if (typeof encrypt !== 'function') return false
  stream.encrypt = function (this: unknown, chunk: Uint8Array | Uint8ArrayList) {
    const out = encrypt.call(this, chunk)
    return isByteList(out) ? joined(out) : out
  }
  return true
}

/**
 * Ciphertexts sealed with two spare bytes in front of them in the same buffer
 * (`noise-crypto.ts`, in Node): noise's length goes there, with no copy.
 */
export const sealedWithRoom = new WeakSet<Uint8Array>()

/** The parts of `list` as one buffer: the length written in front of a ciphertext with room, else a copy. */
function joined(list: Uint8ArrayList): Uint8Array {
  let length: Uint8Array | undefined
  let sealed: Uint8Array | undefined
  let parts = 0
  for (const buf of list) {
    if (parts === 0) length = buf
    else sealed = buf
    if (++parts > 2) break
  }
  if (parts !== 2 || length?.length !== 2 || sealed === undefined || !sealedWithRoom.has(sealed)) return list.subarray()
  sealedWithRoom.delete(sealed)
  const framed = new Uint8Array(sealed.buffer, sealed.byteOffset - 2, sealed.length + 2)
  framed[0] = length[0] as number
  framed[1] = length[1] as number
  return framed
}

/**
 * Whether a transport connection is the in-memory one (tests, benchmarks), which hands a byte
 * list to its peer whole: joining its parts would only add a copy.
 */
function inMemory(connection: unknown): boolean {
  const addr = (connection as { remoteAddr?: unknown }).remoteAddr
  return addr !== undefined && addr !== null && String(addr).includes('/memory/')
}

function isByteList(value: unknown): value is Uint8ArrayList {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Uint8Array) &&
    typeof (value as { subarray?: unknown }).subarray === 'function'
  )
}

/**
 * `noise()` whose secured connections decode without an exception per chunk (`quietLengthDecoder`)
 * and hand each encrypted send to a TCP or WebSocket transport as one buffer (`oneBufferFrames`).
 * The handshake and the cipher are noise's, untouched.
 */
export function quietNoise(
  init?: NoiseInit,
  sealing?: (own: NoiseEncrypt) => NoiseEncrypt,
): (components: Components) => ConnectionEncrypter {
  const factory = noise(init)
  return (components) => {
    const encrypter = factory(components)
    if (sealing && swapEncrypt(encrypter, sealing)) noiseFrameCounts.sealing++
    const outbound = encrypter.secureOutbound.bind(encrypter)
    const inbound = encrypter.secureInbound.bind(encrypter)
    const quiet = <E>(transport: MessageStream, secured: SecuredConnection<E>): SecuredConnection<E> => {
      if (quietLengthDecoder(secured.connection)) noiseDecoderCounts.swapped++
      else noiseDecoderCounts.left++
      if (inMemory(transport)) noiseFrameCounts.inMemory++
      else if (oneBufferFrames(secured.connection)) noiseFrameCounts.joined++
      else noiseFrameCounts.left++
      return secured
    }
    encrypter.secureOutbound = async (connection, options) => quiet(connection, await outbound(connection, options))
    encrypter.secureInbound = async (connection, options) => quiet(connection, await inbound(connection, options))
    return encrypter
  }
}
