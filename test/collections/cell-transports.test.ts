import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { startRelay } from '../../src/node/relay.js'
import { allKnowEachOther, until } from '../network/helpers.js'
import { freshStore, smoke, testScope } from './harness.js'

// mosaik's smoke scenario over the transports that matter besides memory.

describe.concurrent('Cell smoke over real transports', () => {
  it('works over TCP', async (ctx) => {
    const scope = testScope(ctx)
    const tcp = { transport: 'node' as const, iceServers: [], listen: ['/ip4/127.0.0.1/tcp/0'] }
    const [n0, n1] = await scope.networksKnowingEachOther(2, tcp)
    const store = freshStore()
    await smoke(scope.writer<number>(n0!, store), scope.reader<number>(n1!, store))
  })

  it('works over WebRTC between two Node peers introduced by a local relay', async (ctx) => {
    const scope = testScope(ctx)
    const relay = await startRelay({ network: scope.networkName })
    ctx.onTestFinished(() => relay.stop())
    const opts = {
      transport: 'node' as const,
      iceServers: [],
      listen: ['/p2p-circuit', '/webrtc'],
      bootstrap: relay.addresses,
    }
    const n0 = await scope.network(opts)
    const n1 = await scope.network(opts)
    await until(
      [n0, n1],
      'the peers to discover each other through the relay',
      () => allKnowEachOther([n0, n1]),
      15_000,
    )
    const store = freshStore()
    await smoke(scope.writer<number>(n0, store), scope.reader<number>(n1, store))
    // Group bonds refuse relayed (limited) connections, so the cell ran over a direct WebRTC one.
    const direct = n0.libp2p
      .getConnections(peerIdFromString(n1.peerId))
      .filter((c) => c.status === 'open' && c.limits === undefined)
    expect(direct.map((c) => c.remoteAddr.toString()).some((a) => a.includes('/webrtc'))).toBe(true)
  })
})
