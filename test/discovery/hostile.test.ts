import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { isPrivateAddress, mayDial } from '../../src/discovery/address-policy.js'
import { dialPlan } from '../../src/discovery/dialer.js'
import { Nets, until } from '../network/helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('the dial policy for addresses learnt from peers', () => {
  const relay = '12D3KooWRelayRelayRelayRelayRelayRelayRelayRelayRela'
  const strict = { dialPrivate: false, connectedTo: (p: string) => p === relay }

  it('knows private, loopback, link-local and local-name addresses', () => {
    for (const a of [
      '/ip4/127.0.0.1/tcp/1',
      '/ip4/10.1.2.3/tcp/1',
      '/ip4/172.20.0.1/tcp/1',
      '/ip4/192.168.1.1/tcp/1/ws',
      '/ip4/169.254.1.1/tcp/1',
      '/ip4/100.64.0.1/tcp/1',
      '/ip4/0.0.0.0/tcp/1',
      '/ip6/::1/tcp/1',
      '/ip6/fe80::1/tcp/1',
      '/ip6/fd00::1/tcp/1',
      '/dns4/localhost/tcp/1',
      '/dns/printer.local/tcp/1',
    ])
      expect(isPrivateAddress(a), a).toBe(true)
    for (const a of [
      '/ip4/8.8.8.8/tcp/1',
      '/ip4/172.32.0.1/tcp/1',
      '/ip6/2001:db8::1/tcp/1',
      '/dns4/example.com/tcp/443/wss',
    ])
      expect(isPrivateAddress(a), a).toBe(false)
  })

  it('refuses private direct addresses, but not relayed ones through a relay we are connected to', () => {
    const plan = dialPlan(
      [
        '/ip4/192.168.1.7/tcp/80/ws',
        '/ip4/127.0.0.1/tcp/9/ws',
        '/ip4/8.8.8.8/tcp/443/wss',
        `/ip4/127.0.0.1/tcp/4001/ws/p2p/${relay}/p2p-circuit/webrtc`,
        '/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWOtherOtherOtherOtherOtherOtherOtherOtherOthe/p2p-circuit/webrtc',
      ],
      strict,
    )
    expect(plan.flat().map(String)).toEqual([
      `/ip4/127.0.0.1/tcp/4001/ws/p2p/${relay}/p2p-circuit/webrtc`,
      '/ip4/8.8.8.8/tcp/443/wss',
    ])
    expect(mayDial(multiaddr('/ip4/10.0.0.1/tcp/1'), { ...strict, dialPrivate: true })).toBe(true)
  })
})

describe('announce pushes', () => {
  // No periodic announce within a test: what travels is what the pushes carry.
  const quiet = { dialPeers: false, announceIntervalMs: 600_000 }

  it('are checked before they are forwarded: a bad announce goes no further than the first hop', async () => {
    const evil = await nets.create({ discovery: quiet })
    const b = await nets.create({ discovery: quiet })
    const c = await nets.create({ discovery: quiet })
    await evil.dial(b.addresses())
    await c.dial(b.addresses())
    await until([evil, b, c], 'b to know evil and c', () => b.discovery.catalog().size === 2)
    // Raw pushes, asking to be forwarded as far as they may.
    const ch = await evil.openChannel(b.peerId, 'catalog', { allowLimited: true })
    ch.send({
      type: 'catalog',
      entries: [0, 1, 2, 3, 4].map((i) => new Uint8Array([0xc2, 0x41, i])),
      push: true,
      hops: 8,
    })
    await until([b], 'b to refuse the five announces', () => (b.discovery.rejected().malformed ?? 0) >= 5)
    // A valid announce of the attacker still travels b → c (c has no connection to evil).
    evil.discovery.addTags('after-the-bad-ones')
    const tag = evil.discovery.self().tags[0]
    await until([c], 'c to hear evil’s new tag through b', () =>
      Boolean(tag && c.discovery.catalog().get(evil.peerId)?.tags.includes(tag)),
    )
    expect(c.connectedPeers()).not.toContain(evil.peerId)
    expect(c.discovery.rejected()).toEqual({})
  })

  it('bring a newcomer to every peer one push after its first exchange', async () => {
    const relay = await nets.create({ discovery: quiet })
    const a = await nets.create({ discovery: quiet, bootstrap: relay.addresses() })
    const c = await nets.create({ discovery: quiet, bootstrap: relay.addresses() })
    await until([relay, a, c], 'the relay to know a and c', () => relay.discovery.catalog().size === 2)
    // a and c exchanged catalogs with the relay before the newcomer existed, and nobody
    // announces periodically: only the relay's push can tell them.
    const d = await nets.create({ discovery: quiet, bootstrap: relay.addresses() })
    await until([a, c, d], 'a and c to learn the newcomer', () =>
      [a, c].every((n) => n.discovery.catalog().has(d.peerId)),
    )
    expect(a.connectedPeers()).not.toContain(d.peerId)
  })

  it('beyond a peer’s rate budget are dropped unread and counted', async () => {
    const victim = await nets.create({ discovery: { ...quiet, pushBurst: 3, pushPerSecond: 0.001 } })
    const evil = await nets.create({ discovery: quiet })
    await evil.dial(victim.addresses())
    const ch = await evil.openChannel(victim.peerId, 'catalog', { allowLimited: true })
    ch.send({ type: 'catalog', entries: Array.from({ length: 10 }, (_, i) => new Uint8Array([0xc2, i])), push: true })
    const { malformed = 0, 'rate-limited': limited = 0 } = victim.discovery.rejected()
    const counted = () => {
      const r = victim.discovery.rejected()
      return (r.malformed ?? 0) >= 3 && (r['rate-limited'] ?? 0) >= 7
    }
    expect([malformed, limited]).toEqual([0, 0])
    await until([victim], 'the victim to refuse three pushed entries and count seven over budget', counted)
    expect(victim.discovery.rejected()).toEqual({ malformed: 3, 'rate-limited': 7 })
  })
})

describe('catalog channels', () => {
  it('a peer that opens one and stays silent is refused and counted after the exchange timeout', async () => {
    const victim = await nets.create({ discovery: { dialPeers: false, exchangeTimeoutMs: 300 } })
    const evil = await nets.create({ discovery: { dialPeers: false } })
    await evil.dial(victim.addresses())
    await evil.openChannel(victim.peerId, 'catalog', { allowLimited: true })
    await until([victim], 'the silent catalog channel to be refused', () => (victim.rejected().timeout ?? 0) >= 1)
    expect(victim.discovery.rejected().timeout).toBeGreaterThanOrEqual(1)
  })
})
