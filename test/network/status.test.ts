import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import type { NetworkStatus } from '../../src/network/status.js'
import { Nets } from './helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

async function nobodyAt(): Promise<string> {
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  return `/memory/nobody-${Math.random().toString(36).slice(2)}/p2p/${peer}`
}

describe('network status', () => {
  it('a lone peer with nothing to dial is offline and says so, then online once a peer connects', async () => {
    const a = await nets.create({ network: 'status-lone' })
    expect(a.status.getSnapshot()).toMatchObject({ status: 'offline', peers: 0, relays: 0 })
    expect(a.status.getSnapshot().reason).toMatch(/no bootstrap address/)
    const b = await nets.create({ network: 'status-lone', bootstrap: a.addresses() })
    const online = await a.status.waitFor((s) => s.status === 'online', 'a to see b connect', 10_000)
    expect(online.peers).toBe(1)
    const bs = await b.status.waitFor((s) => s.relays === 1, 'b to count its bootstrap peer', 10_000)
    expect(bs).toMatchObject({ status: 'online', peers: 1, relays: 1, bootstraps: 1 })
  })

  it('an unreachable relay gives offline with a reason naming it, never online with 0 peers', async () => {
    const relay = await nobodyAt()
    const seen: NetworkStatus[] = []
    const a = await nets.create({ network: 'status-unreachable', bootstrap: [relay] })
    seen.push(a.status.getSnapshot())
    const off = a.status.subscribe(() => seen.push(a.status.getSnapshot()))
    const offline = await a.status.waitFor(
      (s) => s.status === 'offline',
      'the unreachable relay to be reported',
      10_000,
    )
    off()
    expect(offline.reason).toContain(relay)
    expect(offline.reason).toMatch(/unreachable .*redialing/)
    expect(offline.bootstrap[0]).toMatchObject({ address: relay, state: 'retrying' })
    expect(seen.every((s) => s.status !== 'online')).toBe(true)
    expect(seen[0]?.status).toBe('connecting')
  })

  it('keeps redialing an unreachable relay with growing delays, and connects once it appears', async () => {
    const listener = await nets.create({ network: 'status-late' })
    // The address is known before anyone listens on it: a relay that starts late.
    const a = await nets.create({
      network: 'status-late',
      bootstrap: [await nobodyAt()],
      bootstrapRedial: { backoffMs: 20, maxBackoffMs: 200 },
    })
    const failing = await a.status.waitFor(
      (s) => (s.bootstrap[0]?.failures ?? 0) >= 3,
      'three failed dials of the missing relay',
      10_000,
    )
    expect(failing.status).toBe('offline')
    // Another path connects a to a peer: online, though the relay is still missing.
    await a.dial(listener.addresses())
    const online = await a.status.waitFor((s) => s.status === 'online', 'a direct peer to make a online', 10_000)
    expect(online.relays).toBe(0)
    expect(online.reason).toMatch(/redialing/)
  })

  it('is stopped after stop(), and stays so', async () => {
    const a = await nets.create({ network: 'status-stop' })
    await a.stop()
    expect(a.status.getSnapshot()).toMatchObject({ status: 'stopped', peers: 0 })
  })

  it('emits network.status telemetry on every change, replayed to late listeners', async () => {
    const a = await nets.create({ network: 'status-telemetry' })
    const replayed: string[] = []
    a.replayTelemetry((e) => {
      if (e.type === 'network.status') replayed.push(e.status)
    })
    expect(replayed).toEqual(['offline'])
    const live: string[] = []
    a.onTelemetry((e) => {
      if (e.type === 'network.status') live.push(e.status)
    })
    await nets.create({ network: 'status-telemetry', bootstrap: a.addresses() })
    await a.status.waitFor((s) => s.status === 'online', 'a to go online', 10_000)
    expect(live).toContain('online')
  })
})
