import { webRTC } from '@libp2p/webrtc'
import { describe, expect, it, vi } from 'vitest'
import { libp2pOptions, loadKey } from '../../src/network/libp2p.js'
import { DEFAULT_ICE_SERVERS } from '../../src/network/transports.js'

// Records the options every preset passes to `webRTC()`.
vi.mock('@libp2p/webrtc', async (importOriginal) => {
  const real = await importOriginal<typeof import('@libp2p/webrtc')>()
  return { ...real, webRTC: vi.fn(real.webRTC) }
})

async function iceServersOf(options: Parameters<typeof libp2pOptions>[1]) {
  vi.mocked(webRTC).mockClear()
  await libp2pOptions(await loadKey(undefined), options)
  const init = vi.mocked(webRTC).mock.calls[0]?.[0]
  return (init?.rtcConfiguration as RTCConfiguration | undefined)?.iceServers
}

describe('NetworkOptions.iceServers', () => {
  it('defaults to the public STUN servers @libp2p/webrtc uses, in both presets', async () => {
    for (const transport of ['browser', 'node'] as const) {
      const servers = await iceServersOf({ transport })
      expect(servers).toEqual(DEFAULT_ICE_SERVERS)
      expect(servers?.every((s) => String(s.urls).startsWith('stun:'))).toBe(true)
    }
  })

  it('[] means loopback and LAN only: no server at all', async () => {
    for (const transport of ['browser', 'node'] as const) {
      expect(await iceServersOf({ transport, iceServers: [] })).toEqual([])
    }
  })

  it('passes a TURN server through as given', async () => {
    const turn = { urls: 'turn:turn.example.com:3478', username: 'u', credential: 'c' }
    expect(await iceServersOf({ transport: 'browser', iceServers: [turn] })).toEqual([turn])
  })

  it('the default list is the one @libp2p/webrtc falls back to', async () => {
    // An internal module of the dependency: this fails when an upgrade changes its list.
    const internal = '../../node_modules/@libp2p/webrtc/dist/src/constants.js'
    const { DEFAULT_ICE_SERVERS: theirs } = (await import(internal)) as { DEFAULT_ICE_SERVERS: string[] }
    expect(DEFAULT_ICE_SERVERS.flatMap((s) => s.urls)).toEqual(theirs)
  })
})
