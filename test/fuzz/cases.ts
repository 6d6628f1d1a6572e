import { Encoder } from 'cbor-x'
import { encode } from '../../src/core/codec.js'
import { encodeFrame } from '../../src/core/framing.js'
import { pack } from '../../src/groups/bond/packed-commands.js'
import { toWire } from '../../src/groups/bond/wire-entries.js'
import type { LogCommand } from '../../src/groups/log-command.js'
import type { Entry } from '../../src/groups/raft/types.js'
import { Random } from '../groups/sim/rng.js'

/**
 * Structure-aware inputs for every inbound message type. A case starts from a well-formed
 * message of one kind (handshake frames, bond frames, every Raft and sync message, catalog
 * messages, gossip entries) and mutates it: field values swapped for hostile ones (2^53,
 * -1, NaN, huge counts, bigints, deep nesting, wrong types), then encoded by our encoder or
 * by cbor-x with every extension on (records, shared references, regexps …), and sometimes
 * the bytes themselves are flipped, cut or padded, or wrapped in length-prefixed frames.
 */
export const KINDS = [
  'hello',
  'challenge',
  'proof',
  'welcome',
  'preference',
  'ping',
  'bondFormed',
  'departure',
  'appendEntries',
  'appendEntriesResponse',
  'needsSnapshot',
  'requestVote',
  'vote',
  'forwardCommand',
  'forwardCommandAck',
  'readIndex',
  'readIndexAck',
  'sync.request',
  'sync.pull',
  'sync.offer',
  'sync.fetch',
  'sync.data',
  'catalog',
  'entry',
] as const
export type Kind = (typeof KINDS)[number]

export const ATTACKER = '12D3KooWAttackerAttackerAttackerAttackerAttackerAtta'
export const VICTIM = '12D3KooWVictimVictimVictimVictimVictimVictimVictimVi'

/** One fuzz case: what it started from and the bytes the victim receives. */
export interface FuzzCase {
  readonly kind: Kind
  readonly bytes: Uint8Array
  /** The bytes travel as frames cut in these chunk sizes (undefined: one decoded payload). */
  readonly chunks?: number[]
}

const wild = new Encoder({ useRecords: false, structuredClone: true, tagUint8Array: true })
// Records (tags 0xe000+ and 0xdfff), as a peer using cbor-x's defaults would send them.
const records = new Encoder({ useRecords: true, tagUint8Array: true })
const bytes32 = (r: Random) => Uint8Array.from({ length: 32 }, () => r.int(0, 255))
const cmd = (r: Random) => ({
  t: 'cmd',
  b: Uint8Array.from({ length: r.int(0, 8) }, () => r.int(0, 255)),
  ...(r.next() < 0.5 && { o: `c${r.int(0, 99)}:${r.int(0, 9999)}` }),
})

function base(kind: Kind, r: Random, signed: readonly Uint8Array[]): unknown {
  const raft = { from: ATTACKER, to: VICTIM, term: r.int(0, 12) }
  const idx = () => r.int(0, 20)
  switch (kind) {
    case 'hello':
      return { type: 'hello', group: bytes32(r), nonce: bytes32(r) }
    case 'challenge':
      return { type: 'challenge', nonce: bytes32(r) }
    case 'proof':
      return { type: 'proof', proof: bytes32(r) }
    case 'welcome':
      return {
        type: 'welcome',
        preference: r.pick(['normal', 'observer', 'reluctant']),
        bonds: [ATTACKER],
        applied: idx(),
      }
    case 'preference':
      return { type: 'preference', preference: r.pick(['normal', 'observer']) }
    case 'ping':
      return { type: r.pick(['ping', 'pong']), seq: idx(), applied: idx() }
    case 'bondFormed':
      return { type: 'bondFormed', peer: `12D3KooFake${r.int(0, 1e6)}`, up: r.next() < 0.5 }
    case 'departure':
      return { type: 'departure' }
    case 'appendEntries': {
      const prevIndex = idx()
      const n = r.int(0, 3)
      const entries = Array.from({ length: n }, (_, i) => ({
        term: raft.term,
        index: prevIndex + 1 + i,
        command: r.next() < 0.8 ? cmd(r) : { t: 'noop' },
        leader: ATTACKER,
      }))
      const m = { ...raft, type: 'appendEntries', prevIndex, prevTerm: r.int(0, raft.term), commit: idx(), entries }
      // Half as a leader sends them: the entries in their wire form (commands packed when they can be).
      if (r.next() < 0.5) return { type: 'raft', m }
      const { entries: _, ...rest } = m
      return { type: 'raft', m: { ...rest, x: toWire(entries as Entry<LogCommand>[], undefined) } }
    }
    case 'appendEntriesResponse':
      return {
        type: 'raft',
        m: { ...raft, type: 'appendEntriesResponse', success: true, lastIndex: idx(), lagging: false },
      }
    case 'needsSnapshot':
      return { type: 'raft', m: { ...raft, type: 'needsSnapshot', index: idx(), snapshotTerm: r.int(0, raft.term) } }
    case 'requestVote':
      return { type: 'raft', m: { ...raft, type: 'requestVote', lastIndex: idx(), lastTerm: r.int(0, raft.term) } }
    case 'vote':
      return { type: 'raft', m: { ...raft, type: 'vote', vote: r.pick(['granted', 'denied', 'abstained']) } }
    case 'forwardCommand': {
      const commands = [cmd(r), cmd(r)]
      // Half as a follower sends them: packed into one byte string.
      const carried = r.next() < 0.5 ? { commands } : { p: pack(commands as LogCommand[]) }
      return { type: 'raft', m: { ...raft, type: 'forwardCommand', requestId: idx(), ...carried } }
    }
    case 'forwardCommandAck':
      return { type: 'raft', m: { ...raft, type: 'forwardCommandAck', requestId: idx(), indices: [idx()] } }
    case 'readIndex':
      return { type: 'raft', m: { ...raft, type: 'readIndex', requestId: idx() } }
    case 'readIndexAck':
      return { type: 'raft', m: { ...raft, type: 'readIndexAck', requestId: idx(), index: idx() } }
    case 'sync.request':
      return { type: 'sync', m: { type: 'request' } }
    case 'sync.pull':
      return { type: 'sync', m: { type: 'pull' } }
    case 'sync.offer':
      return { type: 'sync', m: { type: 'offer', index: idx(), term: r.int(0, 9), items: r.int(0, 100) } }
    case 'sync.fetch':
      return { type: 'sync', m: { type: 'fetch', index: idx(), start: 0, end: r.int(0, 50) } }
    case 'sync.data':
      return { type: 'sync', m: { type: 'data', index: idx(), start: 0, items: [['k', r.int(0, 9)]] } }
    case 'catalog':
      return { type: 'catalog', entries: signed.length > 0 ? [r.pick(signed)] : [] }
    case 'entry':
      return signed.length > 0 ? r.pick(signed) : new Uint8Array(0)
  }
}

/** Values a hostile peer would put where a field belongs. */
function hostile(r: Random): unknown {
  switch (r.int(0, 17)) {
    case 0:
      return 2 ** 53
    case 1:
      return -1
    case 2:
      return Number.NaN
    case 3:
      return 1e300
    case 4:
      return 2 ** 50
    case 5:
      return 0.5
    case 6:
      return 2n ** 70n
    case 7:
      return 'x'.repeat(r.int(0, 600))
    case 8:
      return new Map([[1, 2]])
    case 9:
      return new Set([1])
    case 10: {
      let v: unknown = 1
      for (let i = 0, n = r.int(1, 200); i < n; i++) v = [v]
      return v
    }
    case 11:
      return Array.from({ length: r.int(0, 300) }, (_, i) => i)
    case 12:
      return null
    case 13:
      return undefined
    case 14:
      return new Uint8Array(r.int(0, 64))
    case 15:
      return { __proto__: { polluted: true }, constructor: 1 }
    case 16:
      return new Date(r.int(0, 2 ** 40))
    default:
      return true
  }
}

/** Replace a random field somewhere in `v` (objects and arrays, a few levels deep). */
function mutate(v: unknown, r: Random, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || depth > 4) return hostile(r)
  if (Array.isArray(v)) {
    if (v.length === 0 || r.next() < 0.2) return [...v, hostile(r)]
    const i = r.int(0, v.length - 1)
    return v.map((x, j) => (j === i ? mutate(x, r, depth + 1) : x))
  }
  const o = { ...(v as Record<string, unknown>) }
  const keys = Object.keys(o)
  if (keys.length === 0 || r.next() < 0.1) o[`extra${r.int(0, 9)}`] = hostile(r)
  else {
    const k = r.pick(keys)
    if (r.next() < 0.15) delete o[k]
    else o[k] = mutate(o[k], r, depth + 1)
  }
  return o
}

function encodeAny(v: unknown, r: Random): Uint8Array {
  if (v instanceof Uint8Array && r.next() < 0.5) return v
  try {
    const x = r.next()
    return x < 0.7 ? encode(v) : x < 0.9 ? wild.encode(v) : records.encode(v)
  } catch {
    return wild.encode(String(v))
  }
}

function flip(b: Uint8Array, r: Random): Uint8Array {
  const out = b.slice()
  switch (r.int(0, 4)) {
    case 0:
      for (let i = 0, n = r.int(1, 4); i < n && out.length > 0; i++) out[r.int(0, out.length - 1)] = r.int(0, 255)
      return out
    case 1:
      return out.subarray(0, r.int(0, out.length))
    case 2: {
      // A hostile tag (bignum, regexp, shared reference, record …) in front of the payload.
      const tag = r.pick([
        [0xc2, 0x59, 0x40, 0x00],
        [0xd8, 0x69],
        [0xd8, 0x1c],
        [0xd9, 0xdf, 0xff],
        [0xc0],
        [0xd8, 0x1b],
      ])
      return Uint8Array.from([...tag, ...out])
    }
    case 3:
      return Uint8Array.from([...out, ...Array.from({ length: r.int(1, 8) }, () => r.int(0, 255))])
    default:
      return Uint8Array.from({ length: r.int(0, 64) }, () => r.int(0, 255))
  }
}

/** The case `index` of the run seeded `seed`: the same pair always gives the same bytes. */
export function fuzzCase(seed: number, index: number, signed: readonly Uint8Array[]): FuzzCase {
  const r = new Random((seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0)
  const kind = r.pick(KINDS)
  let value = base(kind, r, signed)
  const mutations = r.next() < 0.1 ? 0 : r.int(1, 3)
  for (let i = 0; i < mutations; i++) value = mutate(value, r)
  let bytes = kind === 'entry' && value instanceof Uint8Array ? value : encodeAny(value, r)
  if (r.next() < 0.3) bytes = flip(bytes, r)
  if (kind !== 'entry' && r.next() < 0.15) {
    // As frames on a stream, in chunks of random sizes (a bogus header now and then).
    const frame = r.next() < 0.8 ? encodeFrame(bytes) : flip(encodeFrame(bytes), r)
    const chunks: number[] = []
    for (let left = frame.length; left > 0; ) {
      const n = Math.min(left, r.int(1, 64))
      chunks.push(n)
      left -= n
    }
    return { kind, bytes: frame, chunks }
  }
  return { kind, bytes }
}
