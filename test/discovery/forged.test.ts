import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { encode } from '../../src/core/codec.js'
import { UniqueId } from '../../src/core/id.js'
import { signEntry } from '../../src/discovery/entry.js'
import type { PeerEntry } from '../../src/network/types.js'
import { allKnowEachOther, Nets, until } from '../network/helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('a peer sending forged and malformed entries', () => {
  it('is ignored and counted while honest discovery goes on', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const evilKey = await generateKeyPairFromSeed('Ed25519', seed)
    const a = await nets.create()
    const evil = await nets.create({ secretKey: seed, discovery: { dialPeers: false } })
    await evil.dial(a.addresses())
    await until([a, evil], 'a to know the evil peer (it is a member, just a liar)', () =>
      a.discovery.catalog().has(evil.peerId),
    )

    const now = Date.now()
    const victim = await generateKeyPair('Ed25519')
    const base: PeerEntry = {
      ...evil.discovery.self(),
      addresses: ['/memory/nowhere'],
      startedAt: now,
      updatedAt: now,
    }
    const honestLooking = { ...base, peerId: peerIdFromPrivateKey(victim).toString() }
    const forged = await signEntry(evilKey, honestLooking) // claims the victim's id, signed by evil
    const foreign = await signEntry(evilKey, { ...base, network: UniqueId.from('other').toString() })
    const stale = await signEntry(evilKey, { ...base, startedAt: now + 1, updatedAt: now - 10 * 60_000 })
    const oversized = await signEntry(evilKey, { ...base, startedAt: now + 2, tags: Array(200).fill('t'.repeat(200)) })
    const unsigned = encode({ v: 1, body: encode({ peerId: evil.peerId }) })
    const garbage = new Uint8Array([0xde, 0xad, 0xbe, 0xef])

    // Over the catalog exchange…
    const ch = await evil.openChannel(a.peerId, 'catalog', { allowLimited: true })
    ch.send({ type: 'catalog', entries: [forged, foreign, stale, oversized, unsigned, garbage, 42] })
    // …as an announce push that asks to be forwarded…
    const push = await evil.openChannel(a.peerId, 'catalog', { allowLimited: true })
    push.send({ type: 'catalog', entries: [garbage, forged], push: true, hops: 8 })
    // …and a channel message that is not a catalog at all.
    const ch2 = await evil.openChannel(a.peerId, 'catalog', { allowLimited: true })
    ch2.send({ type: 'gimme', entries: 'all' })

    const expected = { 'bad-signature': 3, 'wrong-network': 1, stale: 1, oversized: 1, malformed: 4 }
    const counted = () =>
      Object.entries(expected).every(([r, n]) => (a.discovery.rejected()[r as keyof typeof expected] ?? 0) >= n)
    await until([a], `a to count ${JSON.stringify(expected)}`, counted, 8_000)
    expect(a.discovery.rejected()).toEqual(expected)
    expect(a.rejected()).toMatchObject(expected)
    expect(a.discovery.catalog().has(honestLooking.peerId)).toBe(false)
    ch.close()

    // Honest discovery goes on: a newcomer is found by everyone.
    const b = await nets.create({ bootstrap: a.addresses() })
    await until([a, b], 'a and a newcomer b to know each other', () => allKnowEachOther([a, b]))
    expect(a.libp2p.status).toBe('started')
  })
})
