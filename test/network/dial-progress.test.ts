import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TimeoutError } from '../../src/core/errors.js'
import { DialWatchers } from '../../src/network/dial-progress.js'

// Fake timers: the stall bounds are exercised by advancing a fake clock, never by waiting.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
})
afterEach(() => {
  vi.useRealTimers()
})

const ev = (type: string) => ({ type })
/** libp2p picked the WebRTC transport: from here the dial is watched. */
const webrtc = { type: 'transport-manager:selected-transport', detail: '@libp2p/webrtc' }

describe('DialWatchers: a dial that stops making progress is abandoned', () => {
  it('aborts a dial silent for the stall bound after a bounded stage, naming the stage', () => {
    const w = new DialWatchers().watch('p', 1_000, 'dial p')
    w.onProgress(ev('dial-queue:add-to-dial-queue'))
    w.onProgress(ev('webrtc:dial-relay'))
    vi.advanceTimersByTime(600)
    w.onProgress(webrtc)
    vi.advanceTimersByTime(999)
    expect(w.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(w.signal.aborted).toBe(true)
    expect(w.signal.reason).toBeInstanceOf(TimeoutError)
    expect(String(w.signal.reason.message)).toContain("no progress after 'transport-manager:selected-transport'")
    w.dispose()
  })

  it('leaves ICE checks and a connected dial to the attempt bound', () => {
    const watchers = new DialWatchers()
    const ice = watchers.watch('p', 1_000, 'dial p')
    ice.onProgress(ev('webrtc:add-ice-candidate'))
    const connected = watchers.watch('q', 1_000, 'dial q')
    connected.onProgress(webrtc)
    connected.onProgress(ev('connection:opened'))
    vi.advanceTimersByTime(10_000)
    expect(ice.signal.aborted).toBe(false)
    expect(connected.signal.aborted).toBe(false)
    // The stage after the ICE checks is bounded again.
    ice.onProgress(ev('webrtc:close-signaling-stream'))
    vi.advanceTimersByTime(1_000)
    expect(ice.signal.aborted).toBe(true)
    ice.dispose()
    connected.dispose()
  })

  it('counts a joiner from the last progress of the dial it joined, so a late joiner does not keep a hung dial alive', () => {
    const watchers = new DialWatchers()
    const first = watchers.watch('p', 1_000, 'dial p')
    first.onProgress(webrtc)
    vi.advanceTimersByTime(800)
    const late = watchers.watch('p', 1_000, 'open p')
    late.onProgress(ev('connection:open'))
    late.onProgress(ev('dial-queue:already-in-dial-queue'))
    vi.advanceTimersByTime(200)
    expect(first.signal.aborted).toBe(true)
    expect(late.signal.aborted).toBe(true)
    first.dispose()
    late.dispose()
  })

  it('a joiner that sees the joined dial progress is bounded from that progress', () => {
    const watchers = new DialWatchers()
    const first = watchers.watch('p', 1_000, 'dial p')
    first.onProgress(webrtc)
    const late = watchers.watch('p', 1_000, 'open p')
    late.onProgress(ev('dial-queue:already-in-dial-queue'))
    vi.advanceTimersByTime(900)
    // libp2p hands every event of the dial to all who joined it.
    for (const w of [first, late]) w.onProgress(ev('webrtc:send-sdp-offer'))
    vi.advanceTimersByTime(900)
    expect(late.signal.aborted).toBe(false)
    vi.advanceTimersByTime(100)
    expect(late.signal.aborted).toBe(true)
    first.dispose()
    late.dispose()
  })

  it('abandon() aborts the silent bounded dials to that peer only, not ICE checks nor other peers', () => {
    const watchers = new DialWatchers()
    const hung = watchers.watch('p', 5_000, 'dial p')
    hung.onProgress(webrtc)
    const ice = watchers.watch('p', 5_000, 'dial p again')
    ice.onProgress(ev('webrtc:add-ice-candidate'))
    const other = watchers.watch('q', 5_000, 'dial q')
    other.onProgress(webrtc)
    vi.advanceTimersByTime(150)
    const fresh = watchers.watch('p', 5_000, 'dial p fresh')
    fresh.onProgress(ev('dial-queue:add-to-dial-queue'))
    watchers.abandon('p', new Error('died at birth'))
    expect(hung.signal.aborted).toBe(true)
    expect(hung.signal.reason.message).toBe('died at birth')
    expect(ice.signal.aborted).toBe(false)
    expect(other.signal.aborted).toBe(false)
    expect(fresh.signal.aborted).toBe(false)
    for (const w of [hung, ice, other, fresh]) w.dispose()
  })

  it('leaves a dial that is not WebRTC (memory, TCP, WebSockets) to the attempt bound, joiners included', () => {
    const watchers = new DialWatchers()
    const tcp = watchers.watch('p', 1_000, 'dial p')
    tcp.onProgress(ev('dial-queue:add-to-dial-queue'))
    tcp.onProgress({ type: 'transport-manager:selected-transport', detail: '@libp2p/tcp' })
    const joiner = watchers.watch('p', 1_000, 'open p')
    joiner.onProgress(ev('dial-queue:already-in-dial-queue'))
    vi.advanceTimersByTime(60_000)
    expect(tcp.signal.aborted).toBe(false)
    expect(joiner.signal.aborted).toBe(false)
    tcp.dispose()
    joiner.dispose()
  })

  it('a stall bound of 0 disables the watch; the parent signal still aborts it; dispose leaves no timer', () => {
    const parent = new AbortController()
    const w = new DialWatchers().watch('p', 0, 'dial p', parent.signal)
    w.onProgress(webrtc)
    vi.advanceTimersByTime(60_000)
    expect(w.signal.aborted).toBe(false)
    parent.abort(new Error('stopped'))
    expect(w.signal.aborted).toBe(true)
    w.dispose()
    const d = new DialWatchers().watch('p', 1_000, 'dial p')
    d.onProgress(webrtc)
    d.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('one instance per libp2p node', () => {
    const node = {}
    expect(DialWatchers.of(node)).toBe(DialWatchers.of(node))
    expect(DialWatchers.of({})).not.toBe(DialWatchers.of(node))
  })
})
