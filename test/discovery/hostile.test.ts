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

describe('gossip announces', () => {
  it('are validated before they are forwarded: a bad announce goes no further than the first hop', async () => {
    const evil = await nets.create({ discovery: { dialPeers: false } })
    const b = await nets.create({ discovery: { dialPeers: false } })
    const c = await nets.create({ discovery: { dialPeers: false } })
    await evil.dial(b.addresses())
    await c.dial(b.addresses())
    const topic = evil.discovery.topic
    const meshed = (n: typeof b, peer: string) =>
      (n.libp2p.services.pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(topic).includes(peer)
    await until(
      [evil, b, c],
      'gossip meshes evil–b and b–c',
      () => meshed(b, evil.peerId) && meshed(b, c.peerId),
      15_000,
    )
    // The attacker's own validator would not stop it: it speaks raw gossip.
    evil.libp2p.services.pubsub.topicValidators.delete(topic)
    for (let i = 0; i < 5; i++) await evil.libp2p.services.pubsub.publish(topic, new Uint8Array([0xc2, 0x41, i]))
    await until([b], 'b to refuse the five announces', () => (b.discovery.rejected().malformed ?? 0) >= 5)
    // A valid announce of the attacker still travels b → c; the bad ones before it did not.
    await evil.discovery.announce()
    await until([c], 'c to learn of the attacker through b', () => c.discovery.catalog().has(evil.peerId))
    expect(c.discovery.rejected()).toEqual({})
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
