import { afterEach, describe, expect, it } from 'vitest'
import { deferred, withTimeout } from '../../src/core/async.js'
import type { DiscoveryEvent } from '../../src/network/types.js'
import { bound } from '../helpers/bounds.js'
import { allKnowEachOther, Nets, until } from '../network/helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

function departure(net: Awaited<ReturnType<Nets['create']>>, peer: string): Promise<DiscoveryEvent> {
  const d = deferred<DiscoveryEvent>()
  const off = net.discovery.onEvent((e) => {
    if (e.type === 'departed' && e.entry.peerId === peer) {
      off()
      d.resolve(e)
    }
  })
  return d.promise
}

describe('departures', () => {
  it('a node that stops gracefully is seen departed by the others at once', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    const c = await nets.create({ bootstrap: a.addresses() })
    await until([a, b, c], 'three networks to know each other', () => allKnowEachOther([a, b, c]))
    const seenByA = departure(a, c.peerId)
    const seenByB = departure(b, c.peerId)
    const t0 = performance.now()
    await c.stop()
    await withTimeout(Promise.all([seenByA, seenByB]), bound(3_000), 'a and b to see c departed')
    console.log(`graceful departure seen by both peers ${(performance.now() - t0).toFixed(0)} ms after stop() began`)
    expect(a.discovery.catalog().has(c.peerId)).toBe(false)
    expect(b.discovery.catalog().has(c.peerId)).toBe(false)
    expect(a.discovery.catalog().has(b.peerId)).toBe(true)
  })

  it('a node that vanishes without a word is purged as departed once its entry goes stale', async () => {
    const fast = { announceIntervalMs: 150, announceJitter: 0.2, purgeAfterMs: 900 }
    const a = await nets.create({ discovery: fast })
    const b = await nets.create({ discovery: fast, bootstrap: a.addresses() })
    await until([a, b], 'a and b to know each other', () => allKnowEachOther([a, b]))
    const seen = departure(a, b.peerId)
    // A crash: libp2p goes away without discovery's farewell.
    await b.libp2p.stop()
    const event = await withTimeout(seen, bound(5_000), 'a to purge the silent peer b')
    expect(event.entry.peerId).toBe(b.peerId)
  })

  it('redials a peer still in the catalog after its connection drops', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await until([a, b], 'a and b to connect and know each other', () => allKnowEachOther([a, b]))
    const dropped = a.libp2p.getConnections()
    expect(dropped.map((c) => c.remotePeer.toString())).toContain(b.peerId)
    for (const conn of dropped) await conn.close()
    // A redial may already be back while the last close ends (its backoff is wall-clock time):
    // what counts is a connection that is not one of those dropped.
    const closed = new Set(dropped.map((c) => c.id))
    expect(dropped.every((c) => c.status === 'closed')).toBe(true)
    await until(
      [a, b],
      'a and b to reconnect after the drop',
      () => a.libp2p.getConnections(b.libp2p.peerId).some((c) => !closed.has(c.id) && c.status === 'open'),
      8_000,
    )
    expect(a.discovery.catalog().has(b.peerId)).toBe(true)
  })
})
