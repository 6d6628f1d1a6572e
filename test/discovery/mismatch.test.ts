/**
 * Peers that open the same store id with options that change the group id (typeName,
 * sync, consensus) are told so: discovery entries carry store labels, and the peer that
 * sees a label of its store under another group reports `discovery.mismatch` naming the
 * option. Real networks on the memory transport.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Cell } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { signEntry, verifyEntry } from '../../src/discovery/entry.js'
import { MAX_STORE_LABELS, storeLabel, storeMismatches } from '../../src/discovery/store-labels.js'
import type { Network } from '../../src/network/network.js'
import type { PeerEntry } from '../../src/network/types.js'
import { allKnowEachOther, Nets, until } from '../network/helpers.js'

type Mismatch = Extract<TelemetryEvent, { type: 'discovery.mismatch' }>
const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }
const nets = new Nets()
afterEach(async () => {
  await nets.stopAll()
  vi.restoreAllMocks()
})

async function pair(name: string): Promise<[Network, Network]> {
  const a = await nets.create({ network: name })
  const b = await nets.create({ network: name, bootstrap: a.addresses() })
  await until([a, b], 'the two peers to discover each other', () => allKnowEachOther([a, b]))
  return [a, b]
}

function mismatchOn(net: Network): Promise<Mismatch> {
  return withTimeout(
    new Promise<Mismatch>((resolve) => {
      const off = net.onTelemetry((e) => {
        if (e.type !== 'discovery.mismatch') return
        off()
        resolve(e)
      })
    }),
    10_000,
    'a discovery.mismatch event',
  )
}

describe('mismatched store options', () => {
  it('names typeName when two peers open one store with different type names', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const [a, b] = await pair('mismatch-type')
    const seenA = mismatchOn(a)
    const seenB = mismatchOn(b)
    const wa = Cell.writer<number>(a, 'app.counter', { typeName: 'u64', consensus: FAST })
    const wb = Cell.writer<number>(b, 'app.counter', { typeName: 'i32', consensus: FAST })
    try {
      const [ma, mb] = await Promise.all([seenA, seenB])
      expect(ma).toMatchObject({ remote: b.peerId, store: wa.storeId.toString().slice(0, 16), differs: ['typeName'] })
      expect(ma.group).toBe(wa.groupId.toString().slice(0, 16))
      expect(ma.remoteGroup).toBe(wb.groupId.toString().slice(0, 16))
      expect(mb).toMatchObject({ remote: a.peerId, differs: ['typeName'] })
      expect(ma.detail).toMatch(/typeName option differs/)
      expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('typeName option differs'))
    } finally {
      await Promise.all([wa.close(), wb.close()])
    }
  })

  it('names consensus for different consensus options, and stays quiet for matching ones', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const [a, b] = await pair('mismatch-consensus')
    const events: Mismatch[] = []
    a.onTelemetry((e) => {
      if (e.type === 'discovery.mismatch') events.push(e)
    })
    // Matching options on one store: both peers in one group, no warning.
    const same = [
      Cell.writer<number>(a, 'same', { consensus: FAST }),
      Cell.reader<number>(b, 'same', { consensus: FAST }),
    ]
    const seen = mismatchOn(a)
    const x = Cell.writer<number>(a, 'tuned', { consensus: FAST })
    const y = Cell.writer<number>(b, 'tuned', { consensus: { ...FAST, electionTimeout: 800 } })
    try {
      expect(await seen).toMatchObject({ differs: ['consensus'] })
      // b's entry as a holds it lists both stores: the matching one was checked too.
      await until(
        [a],
        "a to hold b's labels of both stores",
        () => (a.discovery.catalog().get(b.peerId)?.stores?.length ?? 0) === 2,
      )
      expect(events.map((e) => e.store)).toEqual([x.storeId.toString().slice(0, 16)])
    } finally {
      await Promise.all([...same, x, y].map((c) => c.close()))
    }
  })
})

describe('store labels in entries', () => {
  const label = (n: number, group = 'aa') =>
    storeLabel({
      store: n.toString(16).padStart(16, '0'),
      group: group.repeat(8),
      typeName: '1'.repeat(8),
      sync: '2'.repeat(8),
      consensus: '3'.repeat(8),
    })

  async function entryWith(stores: unknown): Promise<Uint8Array> {
    const key = await generateKeyPair('Ed25519')
    const entry = {
      peerId: peerIdFromPrivateKey(key).toString(),
      network: 'n'.repeat(64),
      addresses: [],
      tags: [],
      groups: [],
      stores,
      tickets: [],
      startedAt: Date.now(),
      updatedAt: Date.now(),
    } as unknown as PeerEntry
    return signEntry(key, entry)
  }
  const policy = () => ({
    network: 'n'.repeat(64),
    maxBytes: 16 * 1024,
    now: Date.now(),
    maxAgeMs: 60_000,
    maxDriftMs: 60_000,
  })

  it('round-trip when well formed and bounded; are refused as malformed otherwise', async () => {
    const ok = await verifyEntry(await entryWith([label(1), label(2)]), policy())
    expect(ok.ok && ok.entry.stores).toEqual([label(1), label(2)])
    const bad = await verifyEntry(await entryWith(['not a label']), policy())
    expect(bad).toMatchObject({ ok: false, reason: 'malformed' })
    const many = Array.from({ length: MAX_STORE_LABELS + 1 }, (_, i) => label(i))
    expect(await verifyEntry(await entryWith(many), policy())).toMatchObject({ ok: false, reason: 'malformed' })
    const none = await verifyEntry(await entryWith(undefined), policy())
    expect(none.ok && none.entry.stores).toBeUndefined()
  })

  it('a peer in both groups of a store (reader and writer alike) is no mismatch', () => {
    const remote = { peerId: 'p', stores: [label(1, 'aa'), label(1, 'bb')] } as unknown as PeerEntry
    expect(storeMismatches([label(1, 'aa')], remote)).toEqual([])
    expect(storeMismatches([label(1, 'cc')], remote)).toHaveLength(2)
  })
})
