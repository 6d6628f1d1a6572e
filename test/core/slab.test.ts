import { describe, expect, it } from 'vitest'
import { encodeFrame } from '../../src/core/framing.js'
import { shortLivedBytes } from '../../src/core/slab.js'

describe('short-lived bytes carved from slabs', () => {
  it('hands out zeroed buffers that never overlap, across slab boundaries', () => {
    const bufs: Uint8Array[] = []
    // 3,000 buffers of up to 4 KiB: several 64 KiB slabs.
    for (let i = 0; i < 3000; i++) {
      const b = shortLivedBytes(1 + ((i * 397) % 4096))
      expect(b.every((x) => x === 0)).toBe(true)
      b.fill((i % 255) + 1)
      bufs.push(b)
    }
    bufs.forEach((b, i) => {
      expect(b.every((x) => x === (i % 255) + 1)).toBe(true)
    })
    expect(new Set(bufs.map((b) => b.buffer)).size).toBeGreaterThan(1)
  })

  it('gives a buffer above 4 KiB its own store', () => {
    const big = shortLivedBytes(4097)
    expect(big.byteOffset).toBe(0)
    expect(big.buffer.byteLength).toBe(4097)
    expect(shortLivedBytes(0).length).toBe(0)
  })

  it('frames carved from a slab carry their own length and bytes', () => {
    const a = encodeFrame(Uint8Array.of(1, 2, 3))
    const b = encodeFrame(new Uint8Array(70_000).fill(7))
    const c = encodeFrame(Uint8Array.of(9))
    expect([...a]).toEqual([0, 0, 0, 3, 1, 2, 3])
    expect([...b.subarray(0, 4)]).toEqual([0, 1, 0x11, 0x70])
    expect(b.length).toBe(70_004)
    expect([...c]).toEqual([0, 0, 0, 1, 9])
    // a and c share a slab at different offsets; neither changed when the other was written.
    expect(a.buffer).toBe(c.buffer)
    expect([...a]).toEqual([0, 0, 0, 3, 1, 2, 3])
  })
})
