import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import type { Network } from '../../src/network/network.js'
import { startRelay } from '../../src/node/relay.js'
import { allKnowEachOther } from '../network/helpers.js'
import { scope, until, within } from './helpers.js'

// mosaik's send_recv smoke over the transports that matter besides memory.

async function sendRecv(p: Network, c: Network): Promise<void> {
  const producer = p.streams.produce<{ n: number }>('smoke')
  const consumer = c.streams.consume<{ n: number }>('smoke')
  await within(consumer.when.subscribed(), 'the consumer to subscribe', 20_000)
  for (let n = 0; n < 20; n++) await within(producer.send({ n }), `send ${n}`)
  const got: number[] = []
  for (let n = 0; n < 20; n++) got.push((await within(consumer.recv(), `datum ${n}`))!.n)
  expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i))
}

describe.concurrent('streams smoke over real transports', () => {
  it('works over TCP', async (ctx) => {
    const s = scope(ctx)
    const tcp = { transport: 'node' as const, listen: ['/ip4/127.0.0.1/tcp/0'] }
    const [n0, n1] = await Promise.all([s.net(tcp), s.net(tcp)])
    await s.discoverAll([n0!, n1!])
    await sendRecv(n0!, n1!)
    const conns = n1!.libp2p.getConnections(peerIdFromString(n0!.peerId))
    expect(conns.some((c) => c.remoteAddr.toString().includes('/tcp/'))).toBe(true)
  })

  it('works over WebRTC between two Node peers introduced by a local relay', async (ctx) => {
    const s = scope(ctx)
    const relay = await startRelay({ network: s.name })
    ctx.onTestFinished(() => relay.stop())
    // About one WebRTC dial in ten hangs; the network's dial retry abandons it and redials.
    const opts = { transport: 'node' as const, listen: ['/p2p-circuit', '/webrtc'], bootstrap: relay.addresses }
    const n0 = await s.net(opts)
    const n1 = await s.net(opts)
    await until(
      [n0, n1],
      'the peers to discover each other through the relay',
      () => allKnowEachOther([n0, n1]),
      20_000,
    )
    await sendRecv(n0, n1)
    // Streams refuse relayed (limited) connections, so the datums went over direct WebRTC.
    const direct = n0.libp2p
      .getConnections(peerIdFromString(n1.peerId))
      .filter((c) => c.status === 'open' && c.limits === undefined)
    expect(direct.map((c) => c.remoteAddr.toString()).some((a) => a.includes('/webrtc'))).toBe(true)
  })
})
