/**
 * Peers on different hosts: the relay and two Node peers each run in their own Linux
 * network namespace (own interfaces, own loopback), joined only by veth links to a bridge
 * on a private 10.x subnet. The peers find each other through the relay and connect
 * directly, over WebRTC and over TCP. Root only (CI runs as root); skipped elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, Child, type PeerEvent, startPeer } from './child.js'
import { NetnsLan, netnsUnavailable } from './netns.js'

const unavailable = netnsUnavailable()
if (unavailable) console.warn(`skipping the multi-host (network namespace) test: ${unavailable}`)

const children: Child[] = []
let lan: NetnsLan | undefined
let relayAddr = ''

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(5_000)))
  for (const c of children) c.process.kill('SIGKILL')
  lan?.remove()
})

/** The direct (not relayed) connection a peer reports to `remote` whose address matches `transport`. */
function directTo(remote: string, transport: RegExp) {
  return (e: PeerEvent) =>
    e.event === 'connection' && e.remote === remote && e.limited === false && transport.test(String(e.addr))
}

// Three Node processes (each loading the TypeScript sources through tsx) per test: bounds
// sized for that, not for the connections, whose times are printed.
describe.skipIf(unavailable !== undefined)('peers in separate network namespaces', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    lan = new NetnsLan()
    const relayHost = lan.host('relay', 1)
    lan.host('a', 2)
    lan.host('b', 3)
    const relay = new Child(lan.exec(relayHost.ns)[0] as string, [
      ...lan.exec(relayHost.ns).slice(1),
      process.execPath,
      BIN,
      'relay',
      '--host',
      relayHost.address,
      '--port',
      '0',
      '--network',
      'netns-test',
    ])
    children.push(relay)
    const escaped = relayHost.address.replaceAll('.', '\\.')
    relayAddr = await relay.line(
      (l) => new RegExp(`^/ip4/${escaped}/tcp/\\d+/ws/p2p/\\S+$`).test(l),
      'the relay in its namespace to print its multiaddr',
      45_000,
    )
  }, 60_000)

  async function pair(listen: (address: string) => string[]) {
    const a = lan?.hosts.get('a')
    const b = lan?.hosts.get('b')
    if (!a || !b) throw new Error('namespaces missing')
    const start = (h: { ns: string; address: string }) => {
      const c = startPeer(
        { network: 'netns-test', listen: listen(h.address), bootstrap: [relayAddr], iceServers: [] },
        { prefix: lan?.exec(h.ns) ?? [] },
      )
      children.push(c)
      return c
    }
    const pa = start(a)
    const pb = start(b)
    const [ra, rb] = await Promise.all([
      pa.event((e) => e.event === 'ready', 'peer a to start in its namespace', 30_000),
      pb.event((e) => e.event === 'ready', 'peer b to start in its namespace', 30_000),
    ])
    return { a, b, pa, pb, ra, rb, t0: Math.max(ra.at, rb.at) }
  }

  it('connect directly over WebRTC, signalled through the relay', async () => {
    const { a, b, pa, pb, ra, rb } = await pair(() => ['/p2p-circuit', '/webrtc'])
    const t0 = performance.now()
    const webrtc = /\/webrtc(\/|$)/
    const conn = await Promise.any([
      pa.event(directTo(rb.peerId as string, webrtc), 'a WebRTC connection a → b', 30_000),
      pb.event(directTo(ra.peerId as string, webrtc), 'a WebRTC connection b → a', 30_000),
    ])
    console.log(`netns: WebRTC between two namespaces connected in ${(performance.now() - t0).toFixed(0)} ms`)
    // Dialer side: `/ip4/<relay>/…/p2p-circuit/webrtc/p2p/<peer>`; listener side: `/webrtc/p2p/<peer>`.
    expect(String(conn.addr)).toMatch(/\/webrtc\/p2p\//)
    // Both only listen through the relay, which they reach on its namespace address.
    for (const r of [ra, rb]) expect(String(r.addresses)).not.toMatch(/127\.0\.0\.1/)
    expect(relayAddr).toContain(lan?.hosts.get('relay')?.address)
    expect(new Set([a.address, b.address]).size).toBe(2)
    await Promise.all([pa.stop(), pb.stop()])
  })

  it('connect directly over TCP on their namespace addresses', async () => {
    const { a, b, pa, pb, ra, rb } = await pair((address) => [`/ip4/${address}/tcp/0`])
    expect(ra.addresses).toEqual([expect.stringMatching(new RegExp(`^/ip4/${a.address.replaceAll('.', '\\.')}/tcp/`))])
    const t0 = performance.now()
    const conn = await Promise.any([
      pa.event(directTo(rb.peerId as string, new RegExp(`^/ip4/${b.address}/tcp/`)), 'a TCP connection a → b', 30_000),
      pb.event(directTo(ra.peerId as string, new RegExp(`^/ip4/${a.address}/tcp/`)), 'a TCP connection b → a', 30_000),
    ])
    console.log(`netns: TCP between two namespaces connected in ${(performance.now() - t0).toFixed(0)} ms`)
    expect(String(conn.addr)).toMatch(/^\/ip4\/10\.\d+\.0\.[23]\/tcp\/\d+/)
    await Promise.all([pa.stop(), pb.stop()])
  })
})
