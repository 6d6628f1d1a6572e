import { afterEach, describe, expect, it, vi } from 'vitest'
import { encode } from '../../src/core/codec.js'
import { encodeFrame, FrameDecoder } from '../../src/core/framing.js'
import { budgetedChannel, chunkOf } from './fed-stream.js'

afterEach(() => {
  vi.restoreAllMocks()
})

/** A channel with a pre-handshake budget over a fed stream, its rejections and framed bytes counted. */
function gate(preAuthBytes: number) {
  const g = budgetedChannel(preAuthBytes)
  let framed = 0
  let last: Uint8Array | undefined
  const push = FrameDecoder.prototype.push
  vi.spyOn(FrameDecoder.prototype, 'push').mockImplementation(function (this: FrameDecoder, chunk, max) {
    framed += chunk.length
    last = chunk
    return push.call(this, chunk, max)
  })
  return { ...g, framed: () => framed, lastFramed: () => last }
}

describe('Channel pre-handshake budget', () => {
  it('charges a chunk of many small frames before framing it: no byte past the budget is cut or decoded', () => {
    const budget = 1024
    const g = gate(budget)
    const delivered: unknown[] = []
    g.ch.onMessage((m) => delivered.push(m))
    // 20,000 frames of 6 bytes in one chunk of 120 KB, sent before any handshake.
    const one = encodeFrame(encode('x')).length
    g.feed(chunkOf(Array.from({ length: 20_000 }, () => 'x')))
    expect(g.framed()).toBeLessThanOrEqual(budget)
    expect(delivered).toHaveLength(Math.floor(budget / one))
    expect(g.ch.closeInfo).toMatchObject({ by: 'local', reason: 'oversized' })
    expect(g.aborted()).toBe(true)
    expect(g.rejected).toHaveLength(1)
    expect(g.rejected[0]).toMatchObject({ reason: 'oversized', detail: expect.stringContaining('pre-handshake') })
  })

  it('refuses a later chunk once the budget is spent, without framing any of it', () => {
    const g = gate(64)
    const delivered: unknown[] = []
    g.ch.onMessage((m) => delivered.push(m))
    const first = chunkOf(['a', 'b'])
    g.feed(first)
    expect(delivered).toEqual(['a', 'b'])
    expect(g.ch.isClosed).toBe(false)
    g.feed(chunkOf(Array.from({ length: 1_000 }, (_, i) => i)))
    expect(g.framed()).toBeLessThanOrEqual(64)
    expect(g.rejected).toHaveLength(1)
    expect(g.ch.closeInfo).toMatchObject({ reason: 'oversized' })
  })

  it('takes the frames after the handshake frame in the same chunk once it authenticates the peer', () => {
    const g = gate(1024)
    const delivered: unknown[] = []
    g.ch.onMessage((m) => {
      delivered.push(m)
      if (m === 'hello') g.ch.authenticated()
    })
    // Before the handshake frame: one frame; after it: 20 KB of frames, the budget's boundary
    // cutting one of them in two.
    const after = Array.from({ length: 20 }, (_, i) => new Uint8Array(1_000).fill(i))
    g.feed(chunkOf(['before', 'hello', ...after]))
    expect(g.rejected).toEqual([])
    expect(g.ch.isClosed).toBe(false)
    expect(g.ch.isAuthenticated).toBe(true)
    expect(delivered).toEqual(['before', 'hello', ...after])
    // Later chunks are unbounded too, and framed as they came (no copy, no view).
    const later = chunkOf([new Uint8Array(8_000)])
    g.feed(later)
    expect(delivered).toHaveLength(23)
    expect(g.lastFramed()).toBe(later)
  })

  it('keeps what came within the budget for a handshake that completes later', () => {
    const g = gate(1024)
    // No listener yet: as a handshake does before it reads, the channel holds the messages.
    g.feed(chunkOf(['hello', 'ping']))
    const delivered: unknown[] = []
    g.ch.onMessage((m) => delivered.push(m))
    expect(delivered).toEqual(['hello', 'ping'])
    g.ch.authenticated()
    g.feed(chunkOf([new Uint8Array(4_000)]))
    expect(delivered).toHaveLength(3)
    expect(g.rejected).toEqual([])
  })

  it('refuses the frames past the budget when the handshake frame did not authenticate the peer in time', () => {
    const g = gate(1024)
    const delivered: unknown[] = []
    // The handshake is checked later (asynchronously): the budget holds until then.
    g.ch.onMessage((m) => delivered.push(m))
    g.feed(chunkOf(['hello', new Uint8Array(4_000)]))
    expect(delivered).toEqual(['hello'])
    expect(g.rejected).toMatchObject([{ reason: 'oversized' }])
    expect(g.ch.closeInfo).toMatchObject({ reason: 'oversized' })
  })
})
