import type { Stream } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { decode } from '../../src/core/codec.js'
import { FrameDecoder } from '../../src/core/framing.js'
import { StreamChannel } from '../../src/network/channel.js'

/** A stream that records every `send` and always has room. */
function recordingStream(): { stream: Stream; writes: Uint8Array[]; closed: () => boolean } {
  const writes: Uint8Array[] = []
  let closed = false
  const stream = Object.assign(new EventTarget(), {
    protocol: '/test/1',
    direction: 'outbound',
    status: 'open',
    send: (data: Uint8Array) => {
      writes.push(data)
      return true
    },
    abort: () => {},
    close: async () => {
      closed = true
    },
    onDrain: async () => {},
  })
  return { stream: stream as unknown as Stream, writes, closed: () => closed }
}

const messagesIn = (writes: Uint8Array[]) => {
  const decoder = new FrameDecoder()
  return writes.flatMap((w) => decoder.push(w)).map((f) => decode(f))
}

const ctx = { peerId: 'me', emitTelemetry() {} }

describe('StreamChannel: frames sent in one task leave in one write', () => {
  it('joins the frames of a task into one stream write at its end, in order', async () => {
    const { stream, writes } = recordingStream()
    const ch = new StreamChannel(stream, 'peer', ctx)
    for (let i = 0; i < 5; i++) expect(ch.send({ i })).toBe(true)
    expect(writes).toHaveLength(0)
    expect(ch.queuedBytes).toBeGreaterThan(0)
    await Promise.resolve()
    expect(writes).toHaveLength(1)
    expect(messagesIn(writes)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })))
    expect(ch.queuedBytes).toBe(0)
  })

  it('writes a batch first when the next frame would take it past 64 KiB', async () => {
    const { stream, writes } = recordingStream()
    const ch = new StreamChannel(stream, 'peer', ctx)
    const big = new Uint8Array(40 * 1024)
    ch.send(big)
    ch.send(big)
    expect(writes).toHaveLength(1)
    await Promise.resolve()
    expect(writes).toHaveLength(2)
    expect(messagesIn(writes)).toHaveLength(2)
  })

  it('a graceful close writes the batch before it closes; an abort drops it', async () => {
    const a = recordingStream()
    const closing = new StreamChannel(a.stream, 'peer', ctx)
    closing.send('last words')
    closing.close()
    expect(messagesIn(a.writes)).toEqual(['last words'])
    const b = recordingStream()
    const aborted = new StreamChannel(b.stream, 'peer', ctx)
    aborted.send('never')
    aborted.abort()
    await Promise.resolve()
    expect(b.writes).toHaveLength(0)
  })
})
