import { Socket } from 'node:net'
import { ChaCha20Poly1305, newInstance } from '@chainsafe/as-chacha20poly1305'
import type { MessageStream } from '@libp2p/interface'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { afterEach, describe, expect, it } from 'vitest'
import { slabSealing } from '../../src/network/noise-crypto.js'
import {
  noiseDecoderCounts,
  noiseFrameCounts,
  oneBufferFrames,
  quietLengthDecoder,
  sealedWithRoom,
  uint16BEOrShort,
} from '../../src/network/noise-decoder.js'
import { Nets, until } from './helpers.js'

/** Two noise transport messages, length-prefixed as noise frames them. */
function framed(...payloads: number[][]): Uint8Array {
  const out: number[] = []
  for (const p of payloads) out.push(p.length >> 8, p.length & 0xff, ...p)
  return Uint8Array.from(out)
}

describe('noise length decoder without an exception per chunk', () => {
  const nets = new Nets()
  afterEach(() => nets.stopAll())

  it('reads a big-endian uint16 from bytes and byte lists, and answers 0 for fewer than two bytes', () => {
    expect(uint16BEOrShort(Uint8Array.of(0x01, 0x02, 0xff))).toBe(0x0102)
    expect(uint16BEOrShort(new Uint8ArrayList(Uint8Array.of(0xab), Uint8Array.of(0xcd)))).toBe(0xabcd)
    expect(uint16BEOrShort(Uint8Array.of(7))).toBe(0)
    expect(uint16BEOrShort(new Uint8ArrayList())).toBe(0)
  })

  it("drives libp2p's length-prefixed decoder to the same frames, split at every byte, with no throw", () => {
    const bytes = framed([1, 2, 3], [], [9, 8, 7, 6, 5])
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new LengthPrefixedDecoder({ lengthDecoder: uint16BEOrShort, encodingLength: () => 2 })
      const frames = [...decoder.decode(bytes.subarray(0, cut)), ...decoder.decode(bytes.subarray(cut))]
      // An empty frame yields nothing (as with noise's own decoder).
      expect(frames.map((f) => [...f.subarray()])).toEqual([
        [1, 2, 3],
        [9, 8, 7, 6, 5],
      ])
    }
  })

  it('swaps only a two-byte big-endian decoder, and leaves any other shape alone', () => {
    const stream = (decoder: unknown) => ({ decoder }) as unknown as MessageStream
    const throwing = (d: { length: number; [i: number]: number }) => {
      if (d.length < 2) throw new RangeError('short')
      return ((d[0] as number) << 8) | (d[1] as number)
    }
    const noiseLike = { lengthDecoder: throwing, encodingLength: () => 2 }
    expect(quietLengthDecoder(stream(noiseLike))).toBe(true)
    expect(noiseLike.lengthDecoder).toBe(uint16BEOrShort)
    // A varint decoder (1 = 0x01), a missing decoder, no decoder at all: untouched.
    const varint = { lengthDecoder: (d: Uint8Array) => d[0], encodingLength: () => 1 }
    expect(quietLengthDecoder(stream(varint))).toBe(false)
    expect(quietLengthDecoder(stream({ encodingLength: () => 2 }))).toBe(false)
    expect(quietLengthDecoder(stream(undefined))).toBe(false)
  })

  it('finds the decoder of the noise this project installs on every secured connection', async () => {
    const before = { ...noiseDecoderCounts }
    const frames = { ...noiseFrameCounts }
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await until([a, b], 'a connection', () => a.connectedPeers().length > 0)
    // One per side of the connection; none left with the throwing decoder.
    expect(noiseDecoderCounts.swapped - before.swapped).toBeGreaterThanOrEqual(2)
    expect(noiseDecoderCounts.left - before.left).toBe(0)
    // In memory, frames are handed over as the list they are: joining would only copy.
    expect(noiseFrameCounts.inMemory - frames.inMemory).toBeGreaterThanOrEqual(2)
    expect(noiseFrameCounts.joined - frames.joined).toBe(0)
  })
})

/** Whether `bytes` is a run of whole noise frames (two-byte length, then that many bytes). */
function wholeFrames(bytes: Uint8Array): boolean {
  let at = 0
  while (at + 2 <= bytes.length) at += 2 + (((bytes[at] as number) << 8) | (bytes[at + 1] as number))
  return at === bytes.length
}

describe('noise frames handed to the transport as one buffer', () => {
  const nets = new Nets()
  afterEach(() => nets.stopAll())

  it('joins the length and the ciphertext of each message into one buffer with the same bytes', () => {
    const parts = [Uint8Array.of(0, 3), Uint8Array.of(7, 8, 9), Uint8Array.of(0, 1), Uint8Array.of(5)]
    const seen: unknown[] = []
    const stream = {
      encrypt(chunk: unknown) {
        seen.push(chunk)
        return new Uint8ArrayList(...parts)
      },
    }
    expect(oneBufferFrames(stream as unknown as MessageStream)).toBe(true)
    const out = stream.encrypt(Uint8Array.of(1))
    expect(out).toBeInstanceOf(Uint8Array)
    expect([...(out as unknown as Uint8Array)]).toEqual([0, 3, 7, 8, 9, 0, 1, 5])
    expect(seen).toEqual([Uint8Array.of(1)])
    // No encrypt method: left alone.
    expect(oneBufferFrames({} as MessageStream)).toBe(false)
  })

  it('writes each message to a TCP socket once, as whole frames, never a lone length', async () => {
    const before = { ...noiseFrameCounts }
    const opts = { transport: 'node' as const, iceServers: [], listen: ['/ip4/127.0.0.1/tcp/0'] }
    const a = await nets.create(opts)
    const b = await nets.create({ ...opts, bootstrap: a.addresses() })
    await until([a, b], 'a TCP connection', () => a.connectedPeers().includes(b.peerId))
    expect(noiseFrameCounts.joined - before.joined).toBeGreaterThanOrEqual(2)
    expect(noiseFrameCounts.left - before.left).toBe(0)
    b.handle('echo', (ch) => ch.onMessage((m) => ch.send(m)))
    const ch = await a.openChannel(b.peerId, 'echo')
    const writes: Uint8Array[] = []
    const write = Socket.prototype.write
    Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
      if (chunk instanceof Uint8Array) writes.push(Uint8Array.from(chunk))
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof write
    try {
      for (let i = 0; i < 20; i++) {
        const back = new Promise((resolve) => ch.onMessage(resolve))
        ch.send({ i, pad: 'x'.repeat(i * 10) })
        expect(await back).toEqual({ i, pad: 'x'.repeat(i * 10) })
      }
    } finally {
      Socket.prototype.write = write
    }
    // 20 messages each way at least; with noise's two-part output every message was two writes,
    // the first a lone two-byte length.
    expect(writes.length).toBeGreaterThanOrEqual(40)
    for (const w of writes) expect(wholeFrames(w) && w.length > 2, `a write of ${w.length} bytes`).toBe(true)
  })
})

describe('noise sealing into slabs (Node)', () => {
  const nets = new Nets()
  afterEach(() => nets.stopAll())
  const k = new Uint8Array(32).fill(7)
  const nonce = new Uint8Array(12).fill(1)
  const ad = new Uint8Array(0)
  const reference = new ChaCha20Poly1305(newInstance())

  it("seals small messages to the same bytes as noise's cipher, with two spare bytes in front", () => {
    let own = 0
    const seal = slabSealing(() => {
      own++
      return new Uint8Array(0)
    })
    for (const n of [0, 1, 250, 1187]) {
      const plaintext = new Uint8ArrayList(new Uint8Array(12).fill(3), new Uint8Array(n).fill(n % 251))
      const sealed = seal(plaintext, nonce, ad, k) as Uint8Array
      expect([...sealed]).toEqual([...reference.seal(k, nonce, plaintext.subarray(), ad)])
      expect(sealed.byteOffset).toBeGreaterThanOrEqual(2)
      expect(sealedWithRoom.has(sealed)).toBe(true)
    }
    expect(own).toBe(0)
    // From 1,200 bytes on, noise's own encrypt (node:crypto there).
    seal(new Uint8Array(1200), nonce, ad, k)
    expect(own).toBe(1)
  })

  it('puts the length into the room without a copy, and copies a ciphertext without room', () => {
    const sealed = slabSealing(() => new Uint8Array(0))(Uint8Array.of(1, 2, 3), nonce, ad, k) as Uint8Array
    const bare = Uint8Array.from(sealed)
    for (const [ct, copied] of [
      [sealed, false],
      [bare, true],
    ] as const) {
      const stream = { encrypt: () => new Uint8ArrayList(Uint8Array.of(0, ct.length), ct) }
      oneBufferFrames(stream as unknown as MessageStream)
      const out = stream.encrypt() as unknown as Uint8Array
      expect([...out]).toEqual([0, ct.length, ...ct])
      expect(out.buffer === ct.buffer).toBe(!copied)
    }
  })

  it('is what the noise of every network in Node seals with', async () => {
    const before = noiseFrameCounts.sealing
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await until([a, b], 'a connection', () => a.connectedPeers().length > 0)
    expect(noiseFrameCounts.sealing - before).toBeGreaterThanOrEqual(2)
  })
})
