import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../../src/core/codec.js'
import { ProtocolError } from '../../src/core/errors.js'
import { encodeFrame, FrameDecoder } from '../../src/core/framing.js'

describe('framing', () => {
  it('reassembles frames split across arbitrary chunks', () => {
    const frames = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(9)]
    const wire = new Uint8Array(frames.reduce((n, f) => n + 4 + f.length, 0))
    let o = 0
    for (const f of frames) {
      const e = encodeFrame(f)
      wire.set(e, o)
      o += e.length
    }
    for (const step of [1, 2, 5, 7, 1000]) {
      const dec = new FrameDecoder()
      const out: Uint8Array[] = []
      for (let i = 0; i < wire.length; i += step) out.push(...dec.push(wire.subarray(i, i + step)))
      expect(out).toEqual(frames)
      expect(() => dec.end()).not.toThrow()
    }
  })

  it('rejects an oversized frame from its header, before buffering it', () => {
    const dec = new FrameDecoder(16)
    const header = new Uint8Array([0, 0, 0, 17])
    expect(() => dec.push(header)).toThrow(ProtocolError)
    try {
      new FrameDecoder(16).push(header)
    } catch (e) {
      expect((e as ProtocolError).reason).toBe('oversized')
    }
    expect(() => encodeFrame(new Uint8Array(17), 16)).toThrow(/exceeds the limit/)
  })

  it('reports a stream that ends inside a frame as truncated', () => {
    const dec = new FrameDecoder()
    expect(dec.push(encodeFrame(new Uint8Array(10)).subarray(0, 8))).toEqual([])
    expect(dec.buffered).toBe(8)
    expect(() => dec.end()).toThrow(expect.objectContaining({ reason: 'truncated' }))
  })

  it('treats garbage as a huge length and refuses it rather than waiting forever', () => {
    const dec = new FrameDecoder(1024)
    expect(() => dec.push(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2]))).toThrow(
      expect.objectContaining({ reason: 'oversized' }),
    )
  })
})

describe('framing: linear reassembly', () => {
  it('assembles a 2 MiB frame sent in 1 KiB pieces, each byte copied once', () => {
    const payload = new Uint8Array(2 * 1024 * 1024)
    for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff
    const wire = encodeFrame(payload)
    const dec = new FrameDecoder()
    // Count bytes copied by typed-array `set` (the only copy the decoder makes).
    const set = Uint8Array.prototype.set
    let copied = 0
    Uint8Array.prototype.set = function (this: Uint8Array, src: ArrayLike<number>, offset?: number) {
      copied += src.length
      return set.call(this, src, offset)
    } as typeof set
    const out: Uint8Array[] = []
    try {
      for (let i = 0; i < wire.length; i += 1024) out.push(...dec.push(wire.subarray(i, i + 1024)))
    } finally {
      Uint8Array.prototype.set = set
    }
    expect(out).toHaveLength(1)
    expect(bytesEqual(out[0], payload)).toBe(true)
    expect(copied).toBeLessThanOrEqual(wire.length)
  })
})
