import { describe, expect, it } from 'vitest'
import { type Data1, scope, until, within } from './helpers.js'

// Ports of mosaik tests/streams/{producer,consumer}/rtt.rs. mosaik reads QUIC's RTT
// estimate; here the producer probes each subscriber once before `require` runs, and a
// consumer whose predicate needs an unknown RTT pings the producer first.

describe('RTT requirements (mosaik tests/streams/*/rtt.rs)', () => {
  it('producer::rtt::require_rtt_accepts_fast_peers', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p0 = n0!.streams.produce<Data1>('Data1', { require: (peer) => peer.rttBelow(5_000) })
    const c1 = n1!.streams.consume<Data1>('Data1')
    await s.discoverAll([n0!, n1!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await within(p0.when.subscribed(), 'p0 to accept c1')
    expect(n0!.streams.rtt(n1!.peerId)).toBeLessThan(5_000)
    await p0.send('rtt-ok')
    expect(await within(c1.recv(), 'the datum')).toBe('rtt-ok')
  })

  it('producer::rtt::require_rtt_rejects_slow_peers', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p0 = n0!.streams.produce<Data1>('Data1', { require: (peer) => peer.rttBelow(0.000_001) })
    n1!.streams.consume<Data1>('Data1')
    await s.discoverAll([n0!, n1!])
    await until([n0!], 'the producer to refuse the consumer after probing it', () => p0.refusals() >= 1)
    expect(n0!.streams.rtt(n1!.peerId)).toBeGreaterThan(0)
    expect(p0.consumers()).toEqual([])
  })

  it('consumer::rtt::require_rtt_accepts_fast_peers: the consumer pings, then subscribes', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p0 = n0!.streams.produce<Data1>('Data1')
    const c1 = n1!.streams.consume<Data1>('Data1', { require: (peer) => peer.rttBelow(5_000) })
    await s.discoverAll([n0!, n1!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    expect(n1!.streams.rtt(n0!.peerId)).toBeDefined()
    await p0.send('rtt-ok')
    expect(await within(c1.recv(), 'the datum')).toBe('rtt-ok')
  })

  it('consumer::rtt::require_rtt_rejects_slow_peers: the ping shows the RTT is too high; no subscription', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p0 = n0!.streams.produce<Data1>('Data1')
    const c1 = n1!.streams.consume<Data1>('Data1', { require: (peer) => peer.rttBelow(0.000_001) })
    await s.discoverAll([n0!, n1!])
    await until([n0!, n1!], 'the consumer to ping the producer', () => n1!.streams.rtt(n0!.peerId) !== undefined)
    // The re-check after the ping runs in the turn that recorded it.
    await new Promise((r) => setImmediate(r))
    expect(c1.producers()).toEqual([])
    expect(p0.consumers()).toEqual([])
    expect(p0.refusals()).toBe(0)
  })
})
