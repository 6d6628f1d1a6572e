import type { Connection, Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IdentifiedConnections } from '../../src/network/identified.js'

// The node's events stand in for libp2p's (the tracker only listens); fake timers bound the waits.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
})

let ids = 0
function connection(addr: string, limits?: object): Connection {
  return {
    id: `c${++ids}`,
    remoteAddr: multiaddr(addr),
    status: 'open',
    limits,
    remotePeer: { toString: () => 'peer' },
  } as unknown as Connection
}
const WEBRTC = '/ip4/127.0.0.1/tcp/1/ws/p2p/12D3KooWGRUVh9bkVR2Pmfat5yD3u8xxgrJxu6zzfLifUW5mKGcN/p2p-circuit/webrtc'

function setup() {
  const node = new EventTarget()
  const tracker = new IdentifiedConnections(node as unknown as Libp2p)
  tracker.start()
  const identify = (c: Connection) =>
    node.dispatchEvent(new CustomEvent('peer:identify', { detail: { connection: c } }))
  const close = (c: Connection) => {
    ;(c as { status: string }).status = 'closed'
    node.dispatchEvent(new CustomEvent('connection:close', { detail: c }))
  }
  return { tracker, identify, close }
}

describe('IdentifiedConnections: a WebRTC connection counts once the other side answered identify', () => {
  it('wait() resolves true when identify completes within the bound, false when it does not', async () => {
    const { tracker, identify } = setup()
    const good = connection(WEBRTC)
    const quiet = connection(WEBRTC)
    const ok = tracker.wait(good, 1_000)
    const none = tracker.wait(quiet, 1_000)
    identify(good)
    vi.advanceTimersByTime(1_000)
    await expect(ok).resolves.toBe(true)
    await expect(none).resolves.toBe(false)
    expect(tracker.has(good)).toBe(true)
    expect(tracker.has(quiet)).toBe(false)
    await expect(tracker.wait(good, 0)).resolves.toBe(true)
    tracker.stop()
  })

  it('a connection that closes while awaited resolves false at once and, never identified, is reported stillborn', async () => {
    const { tracker, close, identify } = setup()
    const stillborn: Connection[] = []
    tracker.onStillborn((c) => stillborn.push(c))
    const dead = connection(WEBRTC)
    const waited = tracker.wait(dead, 60_000)
    close(dead)
    await expect(waited).resolves.toBe(false)
    expect(stillborn).toEqual([dead])
    // Identified before it closed, relayed, or not WebRTC: not stillborn.
    const lived = connection(WEBRTC)
    identify(lived)
    close(lived)
    close(connection(WEBRTC, { bytes: 1n }))
    close(connection('/ip4/127.0.0.1/tcp/1/ws'))
    expect(stillborn).toEqual([dead])
    expect(tracker.has(lived)).toBe(false)
    tracker.stop()
  })

  it('stop() ends every wait with false and forgets everything', async () => {
    const { tracker, identify } = setup()
    const c = connection(WEBRTC)
    identify(c)
    const pending = tracker.wait(connection(WEBRTC), 60_000)
    tracker.stop()
    await expect(pending).resolves.toBe(false)
    expect(tracker.has(c)).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
  })
})
