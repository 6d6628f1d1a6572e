import { afterEach, describe, expect, it } from 'vitest'
import { allKnowEachOther, Nets, until } from './helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

function sockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length
}

describe('three networks over TCP on 127.0.0.1', () => {
  it('discover each other, talk over TCP, and close every socket on stop', async () => {
    const before = sockets()
    const opts = { transport: 'node' as const, iceServers: [], listen: ['/ip4/127.0.0.1/tcp/0'] }
    const a = await nets.create(opts)
    expect(a.addresses()[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    const b = await nets.create({ ...opts, bootstrap: a.addresses() })
    const c = await nets.create({ ...opts, bootstrap: a.addresses() })
    const all = [a, b, c]
    const t0 = performance.now()
    await until(all, 'three TCP networks to know each other', () => allKnowEachOther(all))
    await until(all, 'b and c to connect directly', () => b.connectedPeers().includes(c.peerId))
    console.log(`3 TCP networks discovered each other in ${(performance.now() - t0).toFixed(0)} ms`)
    for (const conn of b.libp2p.getConnections()) expect(conn.remoteAddr.toString()).toContain('/tcp/')

    c.handle('ping', (ch) => ch.onMessage((m) => ch.send({ pong: m })))
    const ch = await b.openChannel(c.peerId, 'ping')
    const reply = new Promise((resolve) => ch.onMessage(resolve))
    ch.send(7n)
    expect(await reply).toEqual({ pong: 7n })

    expect(sockets()).toBeGreaterThan(before)
    await nets.stopAll()
    // Node frees a closed socket's handle on a later turn of the event loop; count turns.
    let turns = 0
    while (sockets() > before && turns < 100) {
      await new Promise((r) => setImmediate(r))
      turns++
    }
    expect(sockets(), `sockets still open ${turns} event-loop turns after stop()`).toBe(before)
  })
})
