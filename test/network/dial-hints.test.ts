import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { deferred, withTimeout } from '../../src/core/async.js'
import { ManualClock } from '../../src/core/clock.js'
import { DialHints, HINT_INTERVAL_MS } from '../../src/network/dial-hints.js'
import { DialWatchers } from '../../src/network/dial-progress.js'
import { bound } from '../helpers/bounds.js'
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
    await withTimeout(abandoned, bound(10_000), "A to abandon its dial to B on B's hint")
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
    await withTimeout(abandoned, bound(10_000), "A to abandon its dial to B on B's hint")
    expect(connected.signal.aborted).toBe(false)
    connected.dispose()
    first.dispose()
  })

  it('refuses and counts a second hint from one peer within the interval, and takes one after it', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await b.dial(a.addresses())
    // A's own hints handler runs on the real clock; this one, on its own protocol, on a clock
    // the test moves, so how fast the machine delivers the hints decides nothing.
    const clock = new ManualClock()
    const protocol = '/test/dial-hint/1'
    const hints = new DialHints(a.libp2p, protocol, a, clock)
    hints.start()
    const refusals: string[] = []
    let refused = deferred<void>()
    const off = a.onTelemetry((e) => {
      if (e.type !== 'input.rejected' || e.protocol !== protocol) return
      refusals.push(`${e.remote} ${e.reason}: ${e.detail}`)
      refused.resolve()
    })
    const watchers = DialWatchers.of(a.libp2p)
    const dialB = () => {
      const w = watchers.watch(b.peerId, 60_000, 'dial b')
      w.onProgress(webrtc)
      return { w, abandoned: new Promise<void>((resolve) => w.signal.addEventListener('abort', () => resolve())) }
    }
    const first = dialB()
    const second = dialB()
    try {
      await hint(b, a.peerId, protocol)
      await withTimeout(first.abandoned, bound(10_000), "A to abandon its dials to B on B's first hint")
      expect(second.w.signal.aborted).toBe(true)
      const third = dialB()
      // Time has not moved: the next hint comes too soon, however long delivering it took.
      clock.advance(HINT_INTERVAL_MS - 1)
      await hint(b, a.peerId, protocol)
      await withTimeout(refused.promise, bound(10_000), 'A to count the hint that came too soon')
      expect(refusals).toEqual([`${b.peerId} protocol: more than one dial hint per ${HINT_INTERVAL_MS} ms`])
      expect(a.rejected().protocol).toBe(1)
      expect(third.w.signal.aborted).toBe(false)
      // One interval after the first hint, the next one is taken again.
      clock.advance(1)
      refused = deferred<void>()
      await hint(b, a.peerId, protocol)
      await withTimeout(
        Promise.race([third.abandoned, refused.promise]),
        bound(10_000),
        "A to take or refuse B's hint one interval later",
      )
      expect(refusals).toHaveLength(1)
      expect(third.w.signal.aborted).toBe(true)
      third.w.dispose()
    } finally {
      off()
      hints.stop()
      first.w.dispose()
      second.w.dispose()
    }
  })
})
