import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { deferred, withTimeout } from '../../src/core/async.js'
import { StreamChannel } from '../../src/network/channel.js'
import { MAX_PRE_AUTH_CHANNELS_PER_PEER, type Network } from '../../src/network/network.js'
import type { CloseInfo } from '../../src/network/types.js'
import { bound } from '../helpers/bounds.js'
import { fedStream } from './fed-stream.js'
import { Nets, until } from './helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

async function pair(): Promise<[Network, Network]> {
  const a = await nets.create({ discovery: { dialPeers: false } })
  const b = await nets.create({ discovery: { dialPeers: false } })
  await b.dial(a.addresses())
  return [a, b]
}

describe('Channel limits against a hostile peer', () => {
  it('resets a channel whose peer sends more than its pre-handshake budget, before any frame completes', async () => {
    const [a, b] = await pair()
    const closed = deferred<CloseInfo>()
    const delivered: unknown[] = []
    a.handle(
      'gate',
      (ch) => {
        ch.onMessage((m) => delivered.push(m))
        ch.onClose((i) => closed.resolve(i))
      },
      { preAuthBytes: 1024 },
    )
    const stream = await b.libp2p.dialProtocol(peerIdFromString(a.peerId), b.protocol('gate'))
    // A 4 MiB frame header (allowed by the frame limit) and 2 KiB of it: the budget stops it.
    const bytes = new Uint8Array(4 + 2048)
    new DataView(bytes.buffer).setUint32(0, 4 * 1024 * 1024)
    stream.send(bytes)
    expect(await withTimeout(closed.promise, bound(5_000), 'the over-budget channel to close')).toMatchObject({
      reason: 'oversized',
    })
    expect(delivered).toEqual([])
    expect(a.rejected().oversized).toBe(1)
  })

  it('lets an authenticated channel carry frames past the budget', async () => {
    const [a, b] = await pair()
    const got = deferred<unknown>()
    a.handle(
      'gate',
      (ch) => {
        ch.onMessage((m) => {
          if (m === 'hello') ch.authenticated?.()
          else got.resolve(m)
        })
      },
      { preAuthBytes: 1024 },
    )
    const ch = await b.openChannel(a.peerId, 'gate')
    ch.send('hello')
    ch.send(new Uint8Array(64 * 1024))
    expect(await withTimeout(got.promise, bound(5_000), 'the large frame after authentication')).toHaveLength(64 * 1024)
  })

  it(`holds at most ${MAX_PRE_AUTH_CHANNELS_PER_PEER} channels per peer in their handshake; more are reset and counted`, async () => {
    const [a, b] = await pair()
    let handled = 0
    a.handle('gate', () => handled++, { preAuthBytes: 1024 })
    const extra = 4
    for (let i = 0; i < MAX_PRE_AUTH_CHANNELS_PER_PEER + extra; i++)
      await b.libp2p.dialProtocol(peerIdFromString(a.peerId), b.protocol('gate')).catch(() => {})
    await until([a], 'the extra channels to be refused', () => (a.rejected().protocol ?? 0) >= extra)
    expect(handled).toBe(MAX_PRE_AUTH_CHANNELS_PER_PEER)
    expect(a.openChannels).toBe(MAX_PRE_AUTH_CHANNELS_PER_PEER)
  })

  it('drops a channel whose peer stops reading (no drain) once the queue is full, without buffering more', () => {
    const { stream, aborted } = fedStream({ stalled: true })
    const ch = new StreamChannel(stream, 'peer', { peerId: 'me', emitTelemetry() {} }, { maxQueuedBytes: 1024 * 1024 })
    const chunk = new Uint8Array(64 * 1024)
    let sent = 0
    while (ch.send(chunk) && sent < 1000) sent++
    expect(ch.closeInfo).toMatchObject({ reason: 'slow-reader' })
    expect(aborted()).toBe(true)
    // One frame went to the stream, then at most 1 MiB was queued.
    expect(sent * (chunk.length + 8)).toBeLessThanOrEqual(1024 * 1024 + 2 * (chunk.length + 8))
    expect(ch.queuedBytes).toBe(0)
  })

  it('drops a channel whose peer leaves our writes blocked past the drain timeout', async () => {
    const { stream } = fedStream({ stalled: true })
    const ch = new StreamChannel(stream, 'peer', { peerId: 'me', emitTelemetry() {} }, { drainTimeoutMs: 20 })
    const closed = deferred<CloseInfo>()
    ch.onClose((i) => closed.resolve(i))
    ch.send('one')
    expect(await withTimeout(closed.promise, bound(5_000), 'the drain timeout to drop the channel')).toMatchObject({
      reason: 'slow-reader',
    })
  })
})
