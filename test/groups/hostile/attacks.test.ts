import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { scanWork } from '../../../src/core/cbor-scan.js'
import { decode } from '../../../src/core/codec.js'
import { DEFAULT_DISCOVERY } from '../../../src/discovery/config.js'
import { signEntry } from '../../../src/discovery/entry.js'
import { GROUPS_PRE_AUTH_BYTES } from '../../../src/groups/bond/bonds.js'
import { MAX_CLAIMS_PER_PEER } from '../../../src/groups/bond/mesh.js'
import { pack } from '../../../src/groups/bond/packed-commands.js'
import type { ConsensusConfig } from '../../../src/groups/config.js'
import type { Network } from '../../../src/network/network.js'
import { Nets, until } from '../../network/helpers.js'
import { joinCounter, type Member, networks } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'
import { hostileBond, rawGroupsStream } from './attacker.js'

// Issue #12: each attack reproduced against 980fd77, now as a test. Victim and attacker share
// one process over the memory transport; the attacker speaks the groups protocol's frames
// itself. Each test asserts the victim keeps its value, stays online and replicates a new
// write afterwards. Memory per hostile connection is bounded by: 16 channels in their
// handshake × GROUPS_PRE_AUTH_BYTES (16 KiB) before a proof, then frames ≤ 4 MiB and a send
// queue ≤ 16 MiB per bond (channel.ts), and the bounds of the mesh, sync and catalog.
const QUICK: Partial<ConsensusConfig> = { bootstrapDelay: 300 }
const nets = new Nets()
afterEach(() => nets.stopAll())

interface Victims {
  writer: Member
  reader: Member
  attacker: Network
  key: string
}

async function victims(key: string, consensus: Partial<ConsensusConfig> = {}): Promise<Victims> {
  const [nw, nr] = await networks(nets, 'memory', 2)
  const writer = joinCounter(nw as Network, key, 'normal', { ...QUICK, ...consensus })
  const reader = joinCounter(nr as Network, key, 'observer', { ...QUICK, ...consensus })
  const v = await writer.group.execute({ k: 'value', by: 7 })
  await reader.group.when.reaches(v)
  const attacker = await nets.create({ transport: 'memory', discovery: { dialPeers: false } })
  await attacker.dial((nw as Network).addresses())
  return { writer, reader, attacker, key }
}

/** The victims kept their value, are online, installed nothing and replicate a new write. */
async function unharmed({ writer, reader }: Victims): Promise<void> {
  for (const m of [writer, reader]) {
    expect(m.sm.query('total')).toBe(7)
    expect(m.sm.installs).toBe(0)
  }
  await waitFor([writer.group, reader.group], 'both victims online', () =>
    [writer, reader].every((m) => m.group.getSnapshot().online),
  )
  const v = await writer.group.execute({ k: 'after', by: 1 })
  await reader.group.when.reaches(v)
  expect(reader.sm.query('total')).toBe(8)
}

const peerIdOf = (bytes: Uint8Array | undefined): string => {
  const outer = decode<{ body: Uint8Array }>(bytes as Uint8Array)
  return decode<{ peerId: string }>(outer.body).peerId
}

const rejected = (net: Network, reason: string) => net.rejected()[reason as 'malformed'] ?? 0

describe('attacks of issue #12 against a writer and a reader', () => {
  it('CPU before authentication: bignum frames before the hello are refused without building them', async () => {
    const v = await victims('attack-bignum')
    const victim = v.writer.net
    // 12 KiB of bignum inside the pre-handshake budget: the scan refuses it at its header.
    const payload = new Uint8Array(6 + 12 * 1024)
    payload.set([0xc2, 0x5a, 0x00, 0x00, 0x30, 0x00])
    const frame = new Uint8Array(4 + payload.length)
    new DataView(frame.buffer).setUint32(0, payload.length)
    frame.set(payload, 4)
    const before = scanWork.items
    ;(await rawGroupsStream(v.attacker, victim.peerId)).send(frame)
    await until([victim], 'the bignum frame to be refused', () => rejected(victim, 'oversized') >= 1)
    // Honest pings may be scanned meanwhile; the 12 KiB bignum itself cost two items.
    expect(scanWork.items - before).toBeLessThan(1_000)
    // 48 KiB (and 256 KiB) before the hello: past the budget, refused before any decoding.
    for (const size of [48 * 1024, 256 * 1024]) {
      const big = new Uint8Array(4 + size)
      new DataView(big.buffer).setUint32(0, size)
      big.set([0xc2, 0x5a], 4)
      ;(await rawGroupsStream(v.attacker, victim.peerId)).send(big)
    }
    await until([victim], 'the large frames to be refused', () => rejected(victim, 'oversized') >= 3)
    expect(GROUPS_PRE_AUTH_BYTES).toBeLessThan(48 * 1024)
    await unharmed(v)
  })

  it('a group killed by one message: vote requests with term 2^53 or a huge jump change nothing', async () => {
    const v = await victims('attack-term')
    const victim = v.writer.net.peerId
    const term = v.writer.group.getSnapshot().term
    const bond = await hostileBond(v.attacker, victim, v.writer.group.id.toString(), v.key)
    const vote = { type: 'requestVote', from: v.attacker.peerId, to: victim, lastIndex: 2 ** 40, lastTerm: 1 }
    bond.channel.send({ type: 'raft', m: { ...vote, term: term + 2 ** 30 } })
    await until([v.writer.net], 'the term jump to be refused', () => rejected(v.writer.net, 'term-jump') >= 1)
    bond.channel.send({ type: 'raft', m: { ...vote, term: 2 ** 53 } })
    await bond.dropped()
    expect(rejected(v.writer.net, 'malformed')).toBeGreaterThanOrEqual(1)
    expect(v.writer.group.getSnapshot().term).toBe(term)
    expect(v.writer.group.isLeader()).toBe(true)
    await unharmed(v)
  })

  it('state replaced: a claim of 2^50 and unasked snapshot offers install nothing', async () => {
    const v = await victims('attack-claims')
    for (const target of [v.writer, v.reader]) {
      if (target === v.reader) await v.attacker.dial(v.reader.net.addresses())
      const victim = target.net.peerId
      // As a reader (a silent writer would stall commits like any crashed member of two).
      const welcome = { preference: 'observer', applied: 2 ** 50 }
      const bond = await hostileBond(v.attacker, victim, v.writer.group.id.toString(), v.key, welcome)
      const before = rejected(target.net, 'unauthorized') + rejected(target.net, 'protocol')
      bond.channel.send({ type: 'ping', seq: 1, applied: 2 ** 50 })
      bond.channel.send({ type: 'sync', m: { type: 'offer', index: 2 ** 50, term: 1, items: 1e11 } })
      bond.channel.send({ type: 'sync', m: { type: 'data', index: 2 ** 50, start: 0, items: [['value', 1e9]] } })
      // Refused by role (an observer serves no snapshot unasked: 'unauthorized') or by the sync session.
      const refusals = () => rejected(target.net, 'unauthorized') + rejected(target.net, 'protocol') - before
      await until([target.net], 'the unasked offer to be refused', () => refusals() >= 1)
    }
    await unharmed(v)
    expect(v.writer.group.getSnapshot().applied).toBeLessThan(100)
  })

  it('strict mode: a hostile append at committed indices is refused before it changes anything; the bond drops', async () => {
    const v = await victims('attack-strict', { minVoters: 1 })
    const target = v.reader
    await v.attacker.dial(target.net.addresses())
    const bond = await hostileBond(v.attacker, target.net.peerId, v.writer.group.id.toString(), v.key)
    const s = target.group.getSnapshot()
    const commit = s.commit
    bond.channel.send({
      type: 'raft',
      m: {
        type: 'appendEntries',
        from: v.attacker.peerId,
        to: target.net.peerId,
        term: s.term,
        prevIndex: 0,
        prevTerm: 0,
        commit,
        entries: [{ index: 1, term: s.term, leader: 'forger', command: { t: 'noop' } }],
      },
    })
    await bond.dropped()
    expect(rejected(target.net, 'protocol')).toBeGreaterThanOrEqual(1)
    const refused = target.telemetry.find((e) => e.type === 'input.rejected' && e.detail?.includes('strict mode'))
    expect(refused).toBeDefined()
    await unharmed(v)
  })

  it("memory on a writer's bytes: a forward of 200,000 empty commands appends nothing; the bond drops", async () => {
    const v = await victims('attack-forward')
    const victim = v.writer
    const bond = await hostileBond(v.attacker, victim.net.peerId, victim.group.id.toString(), v.key)
    const before = victim.group.getSnapshot().commit
    // Two bytes a command (no bytes, no tag): 400 KB, well within a frame, each an entry on the leader.
    const packed = pack(Array.from({ length: 200_000 }, () => ({ t: 'cmd' as const, b: new Uint8Array(0) })))
    bond.channel.send({
      type: 'raft',
      m: {
        type: 'forwardCommand',
        from: v.attacker.peerId,
        to: victim.net.peerId,
        term: victim.group.getSnapshot().term,
        requestId: 1,
        p: packed,
      },
    })
    await bond.dropped()
    expect(rejected(victim.net, 'malformed')).toBeGreaterThanOrEqual(1)
    await unharmed(v)
    // The one write `unharmed` makes is the only entry since.
    expect(victim.group.getSnapshot().commit).toBe(before + 1)
  })

  it("memory on a peer's word: 40,000 bondFormed claims grow the victim's mesh by at most 256 edges", async () => {
    const v = await victims('attack-mesh')
    const victim = v.writer.net.peerId
    const bond = await hostileBond(v.attacker, victim, v.writer.group.id.toString(), v.key, { preference: 'observer' })
    for (let i = 0; i < 40_000; i++) bond.channel.send({ type: 'bondFormed', peer: `12D3KooFake${i}`, up: true })
    bond.channel.send({ type: 'ping', seq: 99 })
    await bond.next('the pong after the claims', (m) => m.type === 'pong' && m.seq === 99)
    const edges = v.writer.telemetry.filter((e) => e.type === 'group.mesh' && e.up && e.a !== victim && e.b !== victim)
    expect(edges.length).toBeLessThanOrEqual(MAX_CLAIMS_PER_PEER)
    await unharmed(v)
  })

  it('state replaced through the pull path: a new writer next to a reader does not take a 2^50 claim', async () => {
    const v = await victims('attack-pull')
    await v.writer.group.leave()
    await v.reader.group.when.offline()
    // A new writer joins; once it knows the reader, the attacker bonds with it as a reader
    // claiming 2^50 and serves its own state to whoever pulls.
    const nd = await nets.create({ transport: 'memory', bootstrap: v.reader.net.addresses() })
    const d = joinCounter(nd, v.key, 'normal', QUICK)
    await until([nd], 'the new writer to know the reader', () =>
      nd.discovery.peersInGroup(v.writer.group.id).includes(v.reader.net.peerId),
    )
    await v.attacker.dial(nd.addresses())
    const lie = { index: 2 ** 50, term: 1 }
    const bond = await hostileBond(v.attacker, nd.peerId, v.writer.group.id.toString(), v.key, {
      preference: 'observer',
      applied: lie.index,
    })
    bond.channel.onMessage((raw) => {
      const m = raw as { type: string; m?: { type: string; start?: number } }
      if (m.type !== 'sync') return
      if (m.m?.type === 'pull') bond.channel.send({ type: 'sync', m: { type: 'offer', ...lie, items: 1 } })
      if (m.m?.type === 'fetch')
        bond.channel.send({ type: 'sync', m: { type: 'data', index: lie.index, start: 0, items: [['value', 1e6]] } })
    })
    await waitFor([d.group], 'the new writer to lead', () => d.group.isLeader() && d.group.getSnapshot().online)
    const next = await d.group.execute({ k: 'after', by: 1 })
    await v.reader.group.when.reaches(next)
    expect(d.sm.query('total')).toBe(8)
    expect(v.reader.sm.query('total')).toBe(8)
    expect(v.reader.sm.installs).toBe(0)
    expect(d.group.getSnapshot().applied).toBeLessThan(100)
  })

  it('a flood of fresh-key entries claiming the group: the catalog stays bounded, the victim unharmed', async () => {
    const v = await victims('attack-catalog', {})
    const victim = v.writer.net
    const group = v.writer.group.id.toString()
    const now = Date.now()
    const entries = await Promise.all(
      Array.from({ length: DEFAULT_DISCOVERY.maxPeers + 100 }, async () => {
        const key = await generateKeyPair('Ed25519')
        return signEntry(key, {
          peerId: peerIdFromPrivateKey(key).toString(),
          network: victim.id.toString(),
          addresses: ['/ip4/10.0.0.1/tcp/4001', '/memory/nowhere'],
          tags: [],
          groups: [group],
          tickets: [],
          startedAt: now,
          updatedAt: now,
        })
      }),
    )
    // What a listener believes is listed: every entry that gave way departs for it too.
    const listed = new Set(victim.discovery.catalog().keys())
    const off = victim.discovery.onEvent((e) => {
      if (e.type === 'departed') listed.delete(e.entry.peerId)
      else listed.add(e.entry.peerId)
    })
    // In two catalog messages (one may carry at most maxCatalogEntries).
    for (const part of [entries.slice(0, 600), entries.slice(600)]) {
      const ch = await v.attacker.openChannel(victim.peerId, 'catalog', { allowLimited: true })
      ch.send({ type: 'catalog', entries: part })
    }
    const size = () => victim.discovery.catalog().size
    const last = peerIdOf(entries[entries.length - 1])
    await until([victim], 'the victim to take in the flood', () => victim.discovery.catalog().has(last), 20_000)
    expect(size()).toBeLessThanOrEqual(DEFAULT_DISCOVERY.maxPeers)
    off()
    expect([...listed].sort()).toEqual([...victim.discovery.catalog().keys()].sort())
    // Connected peers are never evicted for strangers: the reader stays listed.
    expect(victim.discovery.catalog().has(v.reader.net.peerId)).toBe(true)
    await unharmed(v)
  })
})
