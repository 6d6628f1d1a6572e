import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { withTimeout } from '../../src/core/async.js'
import { DialWatchers } from '../../src/network/dial-progress.js'
import { Nets } from './helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

const webrtc = { type: 'transport-manager:selected-transport', detail: '@libp2p/webrtc' }

/** A hint as the peer that saw our WebRTC dial die sends it: a stream on `dial-hint`, no bytes. */
async function hint(from: Awaited<ReturnType<Nets['create']>>, to: string, protocol: string): Promise<void> {
  const stream = await from.libp2p.dialProtocol(peerIdFromString(to), protocol)
  await stream.close().catch(() => {})
}

describe('DialHints: the peer that saw our WebRTC dial die tells us', () => {
  it('abandons our dial to that peer, ICE checks included, and no other', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    const c = await nets.create({ bootstrap: a.addresses() })
    await b.dial(a.addresses())
    await c.dial(a.addresses())
    const watchers = DialWatchers.of(a.libp2p)
    // Two dials of A stand in for hung WebRTC dials in their ICE checks: to B and to C.
    const toB = watchers.watch(b.peerId, 60_000, 'dial b')
    toB.onProgress(webrtc)
    toB.onProgress({ type: 'webrtc:add-ice-candidate' })
    const toC = watchers.watch(c.peerId, 60_000, 'dial c')
    toC.onProgress(webrtc)
    toC.onProgress({ type: 'webrtc:add-ice-candidate' })
    const abandoned = new Promise<void>((resolve) => toB.signal.addEventListener('abort', () => resolve()))
    await hint(b, a.peerId, a.protocol('dial-hint'))
    await withTimeout(abandoned, 10_000, "A to abandon its dial to B on B's hint")
    expect(String(toB.signal.reason)).toContain('saw our WebRTC dial die')
    expect(toC.signal.aborted).toBe(false)
    toB.dispose()
    toC.dispose()
  })

  it('leaves a dial that already has its connection alone', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await b.dial(a.addresses())
    const watchers = DialWatchers.of(a.libp2p)
    const connected = watchers.watch(b.peerId, 60_000, 'open b')
    connected.onProgress(webrtc)
    connected.onProgress({ type: 'connection:opened' })
    const first = watchers.watch(b.peerId, 60_000, 'dial b')
    first.onProgress(webrtc)
    const abandoned = new Promise<void>((resolve) => first.signal.addEventListener('abort', () => resolve()))
    await hint(b, a.peerId, a.protocol('dial-hint'))
    await withTimeout(abandoned, 10_000, "A to abandon its dial to B on B's hint")
    expect(connected.signal.aborted).toBe(false)
    connected.dispose()
    first.dispose()
  })

  it('counts hints that come too fast from one peer as refused', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await b.dial(a.addresses())
    const refused = new Promise<void>((resolve) =>
      a.onTelemetry((e) => e.type === 'input.rejected' && e.protocol === a.protocol('dial-hint') && resolve()),
    )
    // A burst: the handler sees them within a few ms of each other, well inside 250 ms.
    await Promise.allSettled(Array.from({ length: 5 }, () => hint(b, a.peerId, a.protocol('dial-hint'))))
    await withTimeout(refused, 10_000, 'A to count a hint that came too soon')
    expect(a.rejected().protocol ?? 0).toBeGreaterThanOrEqual(1)
  })
})
