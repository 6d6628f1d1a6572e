import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { scanWork } from '../../src/core/cbor-scan.js'
import { ManualClock } from '../../src/core/clock.js'
import { bytesEqual, decode, EncodingError } from '../../src/core/codec.js'
import { ProtocolError } from '../../src/core/errors.js'
import { FrameDecoder } from '../../src/core/framing.js'
import { UniqueId } from '../../src/core/id.js'
import { signEntry, verifyEntry } from '../../src/discovery/entry.js'
import { MAX_CLAIMS_PER_PEER, Mesh } from '../../src/groups/bond/mesh.js'
import { parseBondMessage, parseHandshakeFrame } from '../../src/groups/bond/messages.js'
import type { LogCommand } from '../../src/groups/log-command.js'
import { createRaft, type Entry, type RaftCore, StrictModeViolation } from '../../src/groups/raft/index.js'
import { termJumpAllowed } from '../../src/groups/raft/limits.js'
import { SnapshotSync } from '../../src/groups/sync/coordinator.js'
import { Timers } from '../../src/groups/timers.js'
import { seededRng } from '../groups/sim/rng.js'
import { ATTACKER, type FuzzCase, VICTIM } from './cases.js'

const NET = UniqueId.from('fuzz-net').toString()
const COMMITTED = 10
/** Cases after which the victim's replica starts over (keeps each case's work small). */
const REFRESH = 500

/** What a run found and what it cost. */
export interface FuzzStats {
  cases: number
  bytes: number
  refusedDecode: number
  refusedFrame: number
  refusedShape: number
  accepted: number
  strictRefusals: number
  termJumps: number
  entriesVerified: number
  findings: string[]
  /** Slowest case (ms) and cases over 50 ms, measured by the caller. */
  maxCaseMs: number
  slowCases: number
}

export function newStats(): FuzzStats {
  return {
    cases: 0,
    bytes: 0,
    refusedDecode: 0,
    refusedFrame: 0,
    refusedShape: 0,
    accepted: 0,
    strictRefusals: 0,
    termJumps: 0,
    entriesVerified: 0,
    findings: [],
    maxCaseMs: 0,
    slowCases: 0,
  }
}

/** Signed entries of a real key: the honest inputs that mutations start from. */
export async function signedEntries(n = 4): Promise<Uint8Array[]> {
  const key = await generateKeyPair('Ed25519')
  const now = Date.now()
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      signEntry(key, {
        peerId: peerIdFromPrivateKey(key).toString(),
        network: NET,
        addresses: ['/memory/x'],
        tags: [],
        groups: [],
        tickets: [],
        startedAt: now,
        updatedAt: now + i,
      }),
    ),
  )
}

/**
 * The victim, in process and without sockets: the decode, validate and handler path of every
 * inbound message. Its replica is a strict Raft core holding 10 committed entries; snapshot
 * sync, the mesh and entry verification run as in a member. After every case: nothing threw,
 * the committed entries are the same, the commit never moved back, nothing was installed and
 * the mesh stayed bounded.
 */
export class Victim {
  readonly stats: FuzzStats
  readonly #signed: readonly Uint8Array[]
  #core!: RaftCore<LogCommand>
  #original: Entry<LogCommand>[] = []
  #commit = 0
  #mesh!: Mesh
  #sync!: SnapshotSync
  #installed = 0
  #sinceRefresh = 0

  constructor(signed: readonly Uint8Array[], stats = newStats()) {
    this.#signed = signed
    this.stats = stats
    this.#refresh()
  }

  #refresh(): void {
    this.#sinceRefresh = 0
    const entries: Entry<LogCommand>[] = Array.from({ length: COMMITTED }, (_, i) => ({
      term: 1 + Math.floor(i / 4),
      index: i + 1,
      command: { t: 'cmd', b: new Uint8Array([i]) },
      leader: 'honest',
    }))
    const rng = seededRng(1)
    this.#core = createRaft<LogCommand>(
      {
        id: VICTIM,
        preference: 'normal',
        electionTicks: 10,
        electionJitterTicks: 0,
        heartbeatTicks: 3,
        bootstrapTicks: 0,
        reluctantExtraTicks: 10,
        minVoters: 3,
        maxEntriesPerAppend: 64,
        rng,
      },
      { hardState: { term: 3, votedFor: undefined, commit: COMMITTED }, entries },
    )
    this.#core.peerUp(ATTACKER, 'normal')
    this.#core.peerUp('honest', 'normal')
    this.#drainCore()
    this.#original = this.#core.entries(1, COMMITTED)
    this.#commit = this.#core.status().commit
    this.#mesh = new Mesh(VICTIM, () => {})
    this.#mesh.local(ATTACKER, true)
    const timers = new Timers(new ManualClock())
    this.#sync = new SnapshotSync({
      host: {
        local: VICTIM,
        timers,
        config: { fetchBatchSize: 10, snapshotTtl: 1_000, snapshotRequestTimeout: 1_500, fetchTimeout: 500 },
        send: () => true,
        bonded: () => [ATTACKER],
        leader: () => undefined,
        telemetry: () => {},
      },
      isLeader: () => false,
      replicate: () => {},
      install: () => {
        this.#installed++
      },
      retryFrom: () => 0,
      changed: () => {},
    })
  }

  /** Runs one case through the victim; resolves once it is fully handled. */
  async run(c: FuzzCase): Promise<void> {
    this.stats.cases++
    this.stats.bytes += c.bytes.length
    if (++this.#sinceRefresh >= REFRESH) this.#refresh()
    try {
      if (c.kind === 'entry') await this.#entry(c.bytes)
      else for (const payload of this.#payloads(c)) await this.#message(c, payload)
      this.#check(c)
    } catch (err) {
      this.stats.findings.push(`${c.kind}: threw ${(err as Error)?.stack ?? String(err)}`)
    }
  }

  #payloads(c: FuzzCase): Uint8Array[] {
    if (!c.chunks) return [c.bytes]
    const dec = new FrameDecoder(64 * 1024)
    const out: Uint8Array[] = []
    let at = 0
    try {
      for (const n of c.chunks) {
        out.push(...dec.push(c.bytes.subarray(at, at + n)))
        at += n
      }
      dec.end()
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      this.stats.refusedFrame++
    }
    return out
  }

  async #message(c: FuzzCase, payload: Uint8Array): Promise<void> {
    let v: unknown
    try {
      v = decode(payload)
    } catch (err) {
      if (!(err instanceof EncodingError)) throw err
      this.stats.refusedDecode++
      return
    }
    if (c.kind === 'hello' || c.kind === 'challenge' || c.kind === 'proof') {
      if (parseHandshakeFrame(v)) this.stats.accepted++
      else this.stats.refusedShape++
      return
    }
    if (c.kind === 'catalog') {
      const m = v as { type?: unknown; entries?: unknown }
      if (m?.type !== 'catalog' || !Array.isArray(m.entries) || m.entries.length > 1024) {
        this.stats.refusedShape++
        return
      }
      for (const e of m.entries) await this.#entry(e as Uint8Array)
      return
    }
    const bond = parseBondMessage(v, ATTACKER, VICTIM)
    if (!bond) {
      this.stats.refusedShape++
      return
    }
    this.stats.accepted++
    switch (bond.type) {
      case 'raft': {
        if (!termJumpAllowed(this.#core.status().term, bond.m.term)) {
          this.stats.termJumps++
          return
        }
        try {
          this.#core.step(bond.m)
        } catch (err) {
          if (!(err instanceof StrictModeViolation)) throw err
          this.stats.strictRefusals++
        }
        this.#drainCore()
        return
      }
      case 'sync':
        this.#sync.message(ATTACKER, bond.m)
        return
      case 'welcome':
        this.#mesh.learn(ATTACKER, bond.bonds)
        return
      case 'bondFormed':
        this.#mesh.remote(ATTACKER, bond.peer, bond.up)
        return
      default:
        return
    }
  }

  async #entry(bytes: Uint8Array): Promise<void> {
    // The honest bytes verify (checked once at start); only what a mutation made is checked again.
    if (bytes instanceof Uint8Array && this.#signed.some((s) => bytesEqual(s, bytes))) {
      this.stats.accepted++
      return
    }
    const r = await verifyEntry(bytes, {
      network: NET,
      maxBytes: 16 * 1024,
      now: Date.now(),
      maxAgeMs: 300_000,
      maxDriftMs: 300_000,
    })
    this.stats.entriesVerified++
    if (!r.ok) {
      this.stats.refusedShape++
      return
    }
    // Only the bytes a key signed verify: a mutated entry that verifies is a finding.
    if (!this.#signed.some((s) => bytesEqual(s, bytes))) throw new Error('a mutated entry verified')
    this.stats.accepted++
  }

  #drainCore(): void {
    while (this.#core.hasReady()) {
      this.#core.ready()
      this.#core.advance()
    }
  }

  #check(c: FuzzCase): void {
    const s = this.#core.status()
    if (s.commit < this.#commit) throw new Error(`${c.kind}: commit moved back from ${this.#commit} to ${s.commit}`)
    this.#commit = s.commit
    const now = this.#core.entries(1, COMMITTED)
    // The core keeps entry objects as appended: a different object at an index is a replacement.
    for (let i = 0; i < COMMITTED; i++)
      if (now[i] !== this.#original[i]) throw new Error(`${c.kind}: committed entry ${i + 1} changed`)
    if (this.#installed > 0) throw new Error(`${c.kind}: a snapshot was installed`)
    if (this.#mesh.edges().length > MAX_CLAIMS_PER_PEER + 1) throw new Error(`${c.kind}: mesh grew past its bound`)
  }
}

/** Items scanned so far by the CBOR pre-scan (work counter: linear in bytes). */
export function scannedItems(): number {
  return scanWork.items
}
