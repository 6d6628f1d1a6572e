/**
 * Where the time of a relay trial goes (issue #16): `npx tsx scripts/relay-trace.ts [runs]` runs
 * the relay startup trial (test/node/startup-relay.ts) and prints each run's timeline in ms from
 * the second peer's start: connections (direct or LIMITED, i.e. relayed), discovery, bonds and
 * roles. With `DEBUG='libp2p:webrtc,libp2p:webrtc:trace'` libp2p's WebRTC steps go to stderr
 * with wall-clock times; each run's header gives the wall-clock time of the second peer's start.
 */
import type { TelemetryEvent } from '../src/core/telemetry.js'
import { Network } from '../src/network/network.js'
import { relayTrial } from '../test/node/startup-relay.js'

const runs = Number(process.argv[2] ?? 3)
for (let r = 0; r < runs; r++) {
  const lines: Array<[number, string]> = []
  const names = new Map<string, string>()
  const name = (p: string) => names.get(p) ?? p.slice(-4)
  const orig = Network.create.bind(Network)
  Network.create = async (o) => {
    const t0 = performance.now()
    const n = await orig(o)
    names.set(n.peerId, names.size === 0 ? 'R' : names.size === 1 ? 'A' : 'B')
    lines.push([t0, `${name(n.peerId)} create start (took ${(performance.now() - t0).toFixed(0)})`])
    n.libp2p.addEventListener('connection:open', (e) => {
      const c = e.detail
      lines.push([
        performance.now(),
        `${name(n.peerId)} conn open ${c.direction} ${name(c.remotePeer.toString())} ${c.limits ? 'LIMITED' : 'direct'} ${String(c.remoteAddr).replace(/\/p2p\/\w+/g, '/p2p/…')}`,
      ])
    })
    n.libp2p.addEventListener('connection:close', (e) => {
      const c = e.detail
      lines.push([
        performance.now(),
        `${name(n.peerId)} conn close ${name(c.remotePeer.toString())} ${c.limits ? 'LIMITED' : 'direct'}`,
      ])
    })
    n.libp2p.addEventListener('self:peer:update', () => {
      lines.push([performance.now(), `${name(n.peerId)} self addrs ${n.addresses().length}`])
    })
    return n
  }
  const trace = (e: TelemetryEvent) => {
    const x = e as unknown as Record<string, unknown>
    if (e.type === 'network.status') return
    const extra = ['remote', 'role', 'term', 'up', 'status', 'reason', 'detail', 'version']
      .filter((k) => x[k] !== undefined)
      .map((k) => `${k}=${k === 'remote' ? name(String(x[k])) : String(x[k])}`)
      .join(' ')
    lines.push([e.at, `${name(String(x.peer))} ${e.type} ${extra}`])
  }
  const o = await relayTrial(1_000, trace)
  Network.create = orig
  const bStart = lines.find(([, l]) => l.startsWith('B create start'))?.[0] ?? 0
  console.log(
    `--- run ${r} (B start ${new Date(Date.now() - (performance.now() - bStart)).toISOString()}): agree ${o.agreeMs.toFixed(0)} ms, dials ${o.dials}, acknowledged ${o.acknowledged}, reverts ${o.reverts}, leaders ${o.leaders}`,
  )
  for (const [t, l] of lines.sort((a, b) => a[0] - b[0])) console.log(`${(t - bStart).toFixed(0).padStart(6)} ${l}`)
}
process.exit(0)
