import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { deferred, withTimeout } from '../../src/core/async.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import type { Network } from '../../src/network/network.js'
import type { Channel, CloseInfo } from '../../src/network/types.js'
import { bound } from '../helpers/bounds.js'
import { Nets } from './helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

async function pair(): Promise<[Network, Network]> {
  const a = await nets.create({ discovery: { dialPeers: false } })
  const b = await nets.create({ discovery: { dialPeers: false } })
  await b.dial(a.addresses())
  return [a, b]
}

/** Opens a raw stream on `protocol(name)` and writes `bytes`, bypassing the channel framing. */
async function sendRaw(from: Network, to: Network, name: string, bytes: Uint8Array, end: boolean): Promise<void> {
  const stream = await from.libp2p.dialProtocol(peerIdFromString(to.peerId), from.protocol(name))
  stream.send(bytes)
  if (end) await stream.close()
}

function nextRejection(net: Network): Promise<Extract<TelemetryEvent, { type: 'input.rejected' }>> {
  const d = deferred<Extract<TelemetryEvent, { type: 'input.rejected' }>>()
  const off = net.onTelemetry((e) => {
    if (e.type === 'input.rejected') {
      off()
      d.resolve(e)
    }
  })
  return withTimeout(d.promise, bound(5_000), 'an input.rejected event')
}

function frame(len: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length)
  new DataView(out.buffer).setUint32(0, len)
  out.set(payload, 4)
  return out
}

describe('Channel over a libp2p stream', () => {
  it('delivers CBOR messages in order both ways and closes gracefully', async () => {
    const [a, b] = await pair()
    const closedOnA = deferred<CloseInfo>()
    a.handle('echo', (ch) => {
      ch.onMessage((m) => ch.send(m))
      ch.onClose((info) => closedOnA.resolve(info))
    })
    const ch = await b.openChannel(a.peerId, 'echo')
    expect(ch.protocol).toBe(`/mosaik/${a.id.short()}/echo/1`)
    expect(ch.initiator).toBe(true)
    const got: unknown[] = []
    const all = deferred<void>()
    ch.onMessage((m) => {
      got.push(m)
      if (got.length === 100) all.resolve()
    })
    const sent = Array.from({ length: 100 }, (_, i) => ({ i, big: 10n ** BigInt(i % 30), bytes: new Uint8Array([i]) }))
    for (const m of sent) expect(ch.send(m)).toBe(true)
    await withTimeout(all.promise, bound(5_000), '100 echoed messages')
    expect(got).toEqual(sent)
    ch.close()
    expect((await withTimeout(closedOnA.promise, bound(5_000), 'the acceptor to see the close')).by).toBe('remote')
    expect(ch.send('late')).toBe(false)
  })

  it('keeps order and delivers everything when the sender outpaces the stream (drain)', async () => {
    const [a, b] = await pair()
    const received = deferred<number>()
    a.handle('sink', (ch) => {
      let n = 0
      ch.onMessage(() => {
        if (++n === 200) received.resolve(n)
      })
    })
    const ch = await b.openChannel(a.peerId, 'sink')
    const chunk = new Uint8Array(64 * 1024)
    for (let i = 0; i < 200; i++) ch.send(chunk)
    expect(await withTimeout(received.promise, bound(15_000), '200 frames of 64 KiB')).toBe(200)
  })

  it.each([
    ['oversized', frame(64 * 1024 * 1024, new Uint8Array(8)), false],
    ['malformed', frame(3, new Uint8Array([0xff, 0xff, 0xff])), false],
    ['truncated', frame(100, new Uint8Array(10)), true],
  ] as const)('rejects a %s frame, counts it, resets the stream and stays healthy', async (reason, bytes, end) => {
    const [a, b] = await pair()
    const closed = deferred<CloseInfo>()
    const delivered: unknown[] = []
    a.handle('victim', (ch: Channel) => {
      ch.onMessage((m) => delivered.push(m))
      ch.onClose((info) => closed.resolve(info))
    })
    const rejection = nextRejection(a)
    await sendRaw(b, a, 'victim', bytes, end)
    const event = await rejection
    expect(event.reason).toBe(reason)
    expect(event.remote).toBe(b.peerId)
    expect(a.rejected()[reason]).toBe(1)
    expect(await withTimeout(closed.promise, bound(5_000), 'the rejected channel to close')).toMatchObject({ reason })
    expect(delivered).toEqual([])
    // The node is fine: a well-formed channel on the same protocol still works.
    a.unhandle('victim')
    a.handle('victim', (ch) => ch.onMessage((m) => ch.send(m)))
    const ok = await b.openChannel(a.peerId, 'victim')
    const echoed = deferred<unknown>()
    ok.onMessage((m) => echoed.resolve(m))
    ok.send('still here')
    expect(await withTimeout(echoed.promise, bound(5_000), 'an echo after the rejection')).toBe('still here')
  })

  it('refuses to send a message larger than the frame limit', async () => {
    const [a, b] = await pair()
    a.handle('small', () => {}, { maxFrameSize: 1024 })
    const ch = await b.openChannel(a.peerId, 'small', { maxFrameSize: 1024 })
    expect(() => ch.send(new Uint8Array(2048))).toThrow(/exceeds the limit/)
  })
})
