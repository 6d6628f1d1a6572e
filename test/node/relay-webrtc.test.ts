import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import { afterEach, describe, expect, it } from 'vitest'
import type { Network } from '../../src/network/network.js'
import { type Relay, startRelay } from '../../src/node/relay.js'
import { bound } from '../helpers/bounds.js'
import { Nets, until } from '../network/helpers.js'
import { webRTCFirstDialHangs } from './hanging-webrtc.js'

const nets = new Nets()
let relay: Relay | undefined
afterEach(async () => {
  await nets.stopAll()
  await relay?.stop()
  relay = undefined
})

function webrtcTo(from: Network, to: Network) {
  return from.libp2p
    .getConnections()
    .find(
      (c) =>
        c.remotePeer.toString() === to.peerId &&
        c.status === 'open' &&
        c.limits === undefined &&
        /\/webrtc/.test(c.remoteAddr.toString()),
    )
}

describe('two Node peers through startRelay()', () => {
  it('connect directly over WebRTC after finding each other through the relay', async () => {
    relay = await startRelay({ network: 'webrtc-test' })
    expect(relay.addresses[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//)
    const t0 = performance.now()
    const opts = {
      network: 'webrtc-test',
      transport: 'node' as const,
      iceServers: [],
      listen: ['/p2p-circuit', '/webrtc'],
      bootstrap: relay.addresses,
    }
    const a = await nets.create(opts)
    const b = await nets.create(opts)
    await until([a, b], 'a WebRTC connection between the two peers', () => !!webrtcTo(a, b) || !!webrtcTo(b, a), 15_000)
    console.log(`2 Node peers connected over WebRTC through the relay in ${(performance.now() - t0).toFixed(0)} ms`)
    const conn = webrtcTo(a, b) ?? webrtcTo(b, a)
    expect(conn?.limits).toBeUndefined()
    expect(conn?.remoteAddr.toString()).toContain('/webrtc')
  })
})

describe('a WebRTC dial that hangs', () => {
  it('is abandoned at its bound and the retry connects over WebRTC', async () => {
    relay = await startRelay({ network: 'webrtc-hang' })
    const base = { network: 'webrtc-hang', bootstrap: relay.addresses }
    // a only listens; b does all the dialing, and its first WebRTC dial hangs.
    const a = await nets.create({
      ...base,
      transport: 'node',
      iceServers: [],
      listen: ['/p2p-circuit', '/webrtc'],
      discovery: { dialPeers: false },
    })
    const dials = { count: 0 }
    const b = await nets.create({
      ...base,
      transport: {
        transports: [webSockets(), webRTCFirstDialHangs(dials), circuitRelayTransport()],
        addresses: { listen: ['/p2p-circuit', '/webrtc'] },
        connectionGater: { denyDialMultiaddr: () => false },
      },
      // The hung dial is abandoned at this bound; a real WebRTC dial on a loaded machine must fit in it.
      discovery: { dial: { attemptTimeoutMs: bound(1_500), backoffMs: 100 } },
    })
    const t0 = performance.now()
    await until([a, b], 'b to reach a over WebRTC after a hung first dial', () => !!webrtcTo(b, a), 15_000)
    console.log(`WebRTC connected after a hung first dial in ${(performance.now() - t0).toFixed(0)} ms`)
    expect(dials.count).toBeGreaterThanOrEqual(2)
  })
})
