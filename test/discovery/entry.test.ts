import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { beforeAll, describe, expect, it } from 'vitest'
import { decode, encode } from '../../src/core/codec.js'
import { UniqueId } from '../../src/core/id.js'
import { Catalog } from '../../src/discovery/catalog.js'
import { signEntry, type VerifyPolicy, verifyEntry } from '../../src/discovery/entry.js'
import type { PeerEntry } from '../../src/network/types.js'

const NET = UniqueId.from('entry-test').toString()
const NOW = 1_700_000_000_000
const policy: VerifyPolicy = { network: NET, maxBytes: 16 * 1024, now: NOW, maxAgeMs: 20_000, maxDriftMs: 50_000 }

let key: PrivateKey
let other: PrivateKey
let entry: PeerEntry

function entryOf(k: PrivateKey, patch: Partial<PeerEntry> = {}): PeerEntry {
  return {
    peerId: peerIdFromPrivateKey(k).toString(),
    network: NET,
    addresses: ['/memory/abc'],
    tags: [UniqueId.from('writer').toString()],
    groups: [],
    tickets: [new Uint8Array([1, 2, 3])],
    startedAt: NOW - 5_000,
    updatedAt: NOW - 1_000,
    ...patch,
  }
}

beforeAll(async () => {
  key = await generateKeyPair('Ed25519')
  other = await generateKeyPair('Ed25519')
  entry = entryOf(key)
})

describe('signed peer entries', () => {
  it('verify when signed by the key behind the peer id and round-trip every field', async () => {
    const result = await verifyEntry(await signEntry(key, entry), policy)
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.entry).toEqual(entry)
      expect(result.leaving).toBe(false)
    }
  })

  it('carry the departure flag under the signature', async () => {
    const result = await verifyEntry(await signEntry(key, entry, true), policy)
    expect(result).toMatchObject({ ok: true, leaving: true })
  })

  it('are refused as forged when signed by another key', async () => {
    expect(await verifyEntry(await signEntry(other, entry), policy)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('are refused when a signed body is altered', async () => {
    const wire = decode<{ v: number; body: Uint8Array; sig: Uint8Array }>(await signEntry(key, entry))
    const body = decode<Record<string, unknown>>(wire.body)
    const tampered = encode({ ...wire, body: encode({ ...body, addresses: ['/memory/evil'] }) })
    expect(await verifyEntry(tampered, policy)).toMatchObject({ ok: false, reason: 'bad-signature' })
  })

  it('are refused when unsigned', async () => {
    const wire = decode<{ v: number; body: Uint8Array }>(await signEntry(key, entry))
    const unsigned = encode({ v: 1, body: wire.body })
    expect(await verifyEntry(unsigned, policy)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
      detail: 'unsigned entry',
    })
  })

  it('are refused when they name another network', async () => {
    const foreign = await signEntry(key, { ...entry, network: UniqueId.from('elsewhere').toString() })
    expect(await verifyEntry(foreign, policy)).toMatchObject({ ok: false, reason: 'wrong-network' })
  })

  it('are refused when older than the staleness bound or dated in the future', async () => {
    const old = await signEntry(key, { ...entry, updatedAt: NOW - 60_000 })
    const future = await signEntry(key, { ...entry, updatedAt: NOW + 120_000 })
    expect(await verifyEntry(old, policy)).toMatchObject({ ok: false, reason: 'stale' })
    expect(await verifyEntry(future, policy)).toMatchObject({ ok: false, reason: 'stale' })
  })

  it('are refused when oversized or not CBOR, without throwing', async () => {
    const big = await signEntry(key, {
      ...entry,
      addresses: Array.from({ length: 200 }, (_, i) => `/memory/${'x'.repeat(100)}${i}`),
    })
    expect(await verifyEntry(big, policy)).toMatchObject({ ok: false, reason: 'oversized' })
    expect(await verifyEntry(new Uint8Array([0xff, 0x00, 0x13]), policy)).toMatchObject({
      ok: false,
      reason: 'malformed',
    })
    expect(await verifyEntry(encode({ v: 1, body: encode([1, 2]), sig: new Uint8Array(64) }), policy)).toMatchObject({
      ok: false,
      reason: 'malformed',
    })
  })
})

describe('the catalog', () => {
  async function signed(patch: Partial<PeerEntry>, leaving = false) {
    const r = await verifyEntry(await signEntry(key, { ...entry, ...patch }, leaving), { ...policy, maxAgeMs: 300_000 })
    if (!r.ok) throw new Error(r.detail)
    return r
  }

  it('reports discovered, then updated only when content changes, and ignores older versions', async () => {
    const c = new Catalog('self')
    expect(c.apply(await signed({}))).toMatchObject({ kind: 'event', event: { type: 'discovered' } })
    const before = c.snapshot()
    expect(c.apply(await signed({}))).toEqual({ kind: 'duplicate' })
    expect(c.snapshot()).toBe(before)
    expect(c.apply(await signed({ updatedAt: NOW - 500 }))).toMatchObject({ kind: 'refreshed' })
    expect(c.apply(await signed({ updatedAt: NOW - 400, tags: [] }))).toMatchObject({
      kind: 'event',
      event: { type: 'updated', previous: { tags: entry.tags } },
    })
    expect(c.apply(await signed({ updatedAt: NOW - 900, tags: ['x'] }))).toEqual({ kind: 'outdated' })
  })

  it('removes a departed peer and is not fooled by an older copy relayed later', async () => {
    const c = new Catalog('self')
    c.apply(await signed({}))
    expect(c.apply(await signed({ updatedAt: NOW - 100 }, true))).toMatchObject({
      kind: 'event',
      event: { type: 'departed' },
    })
    expect(c.has(entry.peerId)).toBe(false)
    expect(c.apply(await signed({ updatedAt: NOW - 200 }))).toEqual({ kind: 'duplicate' })
    expect(c.has(entry.peerId)).toBe(false)
    // A restart (later startedAt) is a new life and is discovered again.
    expect(c.apply(await signed({ startedAt: NOW, updatedAt: NOW }))).toMatchObject({ event: { type: 'discovered' } })
  })

  it('purges entries not refreshed within the bound', async () => {
    const c = new Catalog('self')
    c.apply(await signed({ updatedAt: NOW - 1_000 }), NOW - 1_000)
    expect(c.purge(NOW, 5_000)).toEqual([])
    expect(c.purge(NOW + 10_000, 5_000)).toMatchObject([{ type: 'departed', entry: { peerId: entry.peerId } }])
    expect(c.snapshot().size).toBe(0)
  })

  it('judges freshness by when we heard a version, not by the peer clock (a peer 21 s behind stays)', async () => {
    const c = new Catalog('self')
    // Its clock runs 21 s behind ours: every version looks 21 s old on arrival.
    c.apply(await signed({ updatedAt: NOW - 21_000 }), NOW)
    expect(c.purge(NOW + 3_000, 20_000)).toEqual([])
    c.apply(await signed({ updatedAt: NOW - 21_000 + 3_500 }), NOW + 3_500)
    expect(c.purge(NOW + 20_000, 20_000)).toEqual([])
    expect(c.snapshot().size).toBe(1)
    // A replayed copy of the same version does not keep a silent peer alive.
    c.apply(await signed({ updatedAt: NOW - 21_000 + 3_500 }), NOW + 30_000)
    expect(c.purge(NOW + 30_000, 20_000)).toMatchObject([{ type: 'departed' }])
  })

  it('holds at most maxPeers entries; the one heard from least recently gives way', async () => {
    const c = new Catalog('self', 2)
    const keys = await Promise.all([0, 1, 2].map(() => generateKeyPair('Ed25519')))
    const at = (k: (typeof keys)[number], t: number) =>
      signEntry(k, entryOf(k, { updatedAt: t })).then((bytes) => verifyEntry(bytes, policy))
    const results = []
    for (const [i, k] of keys.entries()) {
      const v = await at(k, NOW)
      if (!v.ok) throw new Error(v.detail)
      results.push(c.apply(v, NOW + i))
    }
    expect(c.snapshot().size).toBe(2)
    expect(c.evicted).toBe(1)
    const first = peerIdFromPrivateKey(keys[0] as (typeof keys)[number]).toString()
    expect(c.has(first)).toBe(false)
    // The new peer's result names the one it displaced, so listeners hear that it departed.
    expect(results.map((r) => (r.kind === 'event' ? r.evicted?.peerId : r.kind))).toEqual([undefined, undefined, first])
  })
})
