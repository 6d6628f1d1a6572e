import { DEFAULT_MAX_FRAME_SIZE } from '../../core/framing.js'
import type { PeerId } from '../../core/id.js'
import type { LogCommand } from '../log-command.js'
import { isLogCommand } from '../log-command.js'
import { isCount, isTerm } from '../raft/limits.js'
import type { LeadershipPreference, Message } from '../raft/types.js'
import { MAX_CALL_COMMANDS } from '../raft-config.js'
import { describeSyncMessage, isSyncMessage, type SyncMessage } from '../sync/messages.js'
import { unpack } from './packed-commands.js'
import { entriesFit, fromWire, isLeaderTag, type WireEntries } from './wire-entries.js'

/** The handshake frames (before both proofs verify nothing else may be sent). */
export type HandshakeFrame =
  | { readonly type: 'hello'; readonly group: Uint8Array; readonly nonce: Uint8Array }
  | { readonly type: 'challenge'; readonly nonce: Uint8Array }
  | { readonly type: 'proof'; readonly proof: Uint8Array }

type WithoutEnds<M> = M extends unknown ? Omit<M, 'from' | 'to'> : never
type AppendEntries = Extract<Message<LogCommand>, { type: 'appendEntries' }>
type ForwardCommand = Extract<Message<LogCommand>, { type: 'forwardCommand' }>

/**
 * A raft message as it travels: without `from` and `to`, which the authenticated bond says
 * (the receiver's `parseBondMessage` fills them in; a frame that names them must name the
 * sender and the receiver), an AppendEntries' entries in their wire form (`x`,
 * `wire-entries.ts`; plain `entries` are accepted too), and a forward's application
 * commands packed (`p`, `packed-commands.ts`; plain `commands` are accepted too).
 */
export type RaftWire =
  | WithoutEnds<Exclude<Message<LogCommand>, { type: 'appendEntries' }>>
  | (Omit<AppendEntries, 'from' | 'to' | 'entries'> & { readonly x: WireEntries })
  | (Omit<ForwardCommand, 'from' | 'to' | 'commands'> & { readonly p: Uint8Array })

/** Frames of an established bond (mosaik `BondMessage`). */
export type BondMessage =
  /** `applied`: the sender's applied index (its replica's version), so a member about to lead knows who is ahead. */
  | {
      readonly type: 'welcome'
      readonly preference: LeadershipPreference
      readonly bonds: PeerId[]
      readonly applied?: number
    }
  /** The sender's leadership preference changed since its `welcome` (a reader replica gained a writer). */
  | { readonly type: 'preference'; readonly preference: LeadershipPreference }
  /** Heartbeats; `applied` keeps the peer's view of the sender's applied index fresh. */
  | { readonly type: 'ping'; readonly seq: number; readonly applied?: number }
  | { readonly type: 'pong'; readonly seq: number; readonly applied?: number }
  | { readonly type: 'raft'; readonly m: Message<LogCommand> }
  | { readonly type: 'sync'; readonly m: SyncMessage }
  | { readonly type: 'bondFormed'; readonly peer: PeerId; readonly up: boolean }
  | { readonly type: 'departure' }

/** A frame as it is sent: a raft message may leave out its ends and pack its entries (`RaftWire`). */
export type BondFrame =
  | Exclude<BondMessage, { type: 'raft' }>
  | { readonly type: 'raft'; readonly m: RaftWire | Message<LogCommand> }

/** One line for logs and transcripts. */
export function describeBondMessage(m: BondMessage): string {
  switch (m.type) {
    case 'welcome':
      return `Welcome[${m.preference}/bonds=${m.bonds.length}]`
    case 'preference':
      return `Preference[${m.preference}]`
    case 'ping':
    case 'pong':
      return `${m.type === 'ping' ? 'Ping' : 'Pong'}[${m.seq}]`
    case 'raft':
      return `Raft[${m.m.type}/t=${m.m.term}]`
    case 'sync':
      return `Sync[${describeSyncMessage(m.m)}]`
    case 'bondFormed':
      return `BondFormed[${m.peer.slice(-6)}/${m.up ? 'up' : 'down'}]`
    case 'departure':
      return 'Departure'
  }
}

const PREFS = new Set(['normal', 'reluctant', 'observer'])
// Terms, indices, counts and sequence numbers: safe integers within bounds (raft/limits.ts).
const isNum = (x: unknown): x is number => isCount(x)
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length < 256
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null

/** True for 32 raw bytes. */
export function isBytes32(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array && x.length === 32
}

/** Validates a handshake frame from a peer; undefined when malformed. */
export function parseHandshakeFrame(x: unknown): HandshakeFrame | undefined {
  if (!isObj(x)) return undefined
  if (x.type === 'hello' && isBytes32(x.group) && isBytes32(x.nonce)) return x as HandshakeFrame
  if (x.type === 'challenge' && isBytes32(x.nonce)) return x as HandshakeFrame
  if (x.type === 'proof' && isBytes32(x.proof)) return x as HandshakeFrame
  return undefined
}

function isEntry(x: unknown): x is { term: number; index: number } {
  return (
    isObj(x) &&
    isTerm(x.term) &&
    isNum(x.index) &&
    isLogCommand(x.command) &&
    (x.leader === undefined || isLeaderTag(x.leader)) &&
    (x.noop === undefined || x.noop === true)
  )
}

/**
 * Entries of one AppendEntries: indices `prevIndex + 1, + 2, …` (anything else would make the
 * log throw half-way through an append). Terms are not compared across fields: a member that
 * installed a snapshot of a later term than its own may replicate older-term entries after it.
 */
function entriesFollow(entries: unknown[], prevIndex: number): boolean {
  if (!entriesFit(prevIndex, entries.length)) return false
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]
    if (!isEntry(e) || e.index !== prevIndex + 1 + i) return false
  }
  return true
}

/**
 * Validates a Raft message from `remote` to `local` and fills in `from` and `to` (the wire leaves
 * them out, `RaftWire`); a message naming other peers is malformed.
 */
export function isRaftMessage(x: unknown, remote: PeerId, local: PeerId): x is Message<LogCommand> {
  if (!isObj(x) || (x.from !== undefined && x.from !== remote) || (x.to !== undefined && x.to !== local)) return false
  if (!isTerm(x.term)) return false
  x.from = remote
  x.to = local
  switch (x.type) {
    case 'appendEntries':
      if (!isNum(x.prevIndex)) return false
      if (x.x !== undefined) {
        // The wire form: entries built in order from `prevIndex`, each checked before it is built.
        const prevLeader = typeof x.prevLeader === 'string' ? x.prevLeader : undefined
        const entries = x.entries === undefined ? fromWire(x.x, x.prevIndex, prevLeader) : undefined
        if (!entries) return false
        x.entries = entries
        delete x.x
      } else if (!Array.isArray(x.entries) || !entriesFollow(x.entries, x.prevIndex)) return false
      return (
        isTerm(x.prevTerm) &&
        isNum(x.commit) &&
        (x.prevLeader === undefined || isLeaderTag(x.prevLeader)) &&
        (x.probe === undefined || isNum(x.probe)) &&
        (x.quiet === undefined || x.quiet === true)
      )
    case 'appendEntriesResponse':
      return typeof x.success === 'boolean' && isNum(x.lastIndex) && typeof x.lagging === 'boolean'
    case 'needsSnapshot':
      return isNum(x.index) && isTerm(x.snapshotTerm)
    case 'requestVote':
      return isNum(x.lastIndex) && isTerm(x.lastTerm)
    case 'vote':
      return (
        (x.vote === 'granted' || x.vote === 'denied' || x.vote === 'abstained') &&
        (x.learner === undefined || x.learner === true)
      )
    case 'forwardCommand':
      if (x.p !== undefined) {
        // Packed: each command checked as it is read; a frame holding both forms is malformed.
        const commands = x.commands === undefined && x.p instanceof Uint8Array ? unpackForward(x.p) : undefined
        if (!commands) return false
        x.commands = commands
        delete x.p
      }
      return (
        isNum(x.requestId) &&
        Array.isArray(x.commands) &&
        x.commands.length <= MAX_CALL_COMMANDS &&
        x.commands.every(isLogCommand)
      )
    case 'forwardCommandAck':
      return isNum(x.requestId) && (x.indices === undefined || (Array.isArray(x.indices) && x.indices.every(isNum)))
    case 'readIndex':
      return isNum(x.requestId)
    case 'readIndexAck':
      return isNum(x.requestId) && (x.index === undefined || isNum(x.index))
    default:
      return false
  }
}

/** A forward's packed commands: no more than one call may carry (`MAX_CALL_COMMANDS`), as a plain forward. */
function unpackForward(p: Uint8Array): LogCommand[] | undefined {
  return unpack(p, MAX_CALL_COMMANDS, DEFAULT_MAX_FRAME_SIZE)
}

/** Validates a steady-state frame from `remote`; undefined when malformed. */
export function parseBondMessage(x: unknown, remote: PeerId, local: PeerId): BondMessage | undefined {
  if (!isObj(x)) return undefined
  switch (x.type) {
    case 'welcome':
      return PREFS.has(x.preference as string) &&
        Array.isArray(x.bonds) &&
        x.bonds.every(isStr) &&
        (x.applied === undefined || isNum(x.applied))
        ? (x as BondMessage)
        : undefined
    case 'preference':
      return PREFS.has(x.preference as string) ? (x as BondMessage) : undefined
    case 'ping':
    case 'pong':
      return isNum(x.seq) && (x.applied === undefined || isNum(x.applied)) ? (x as BondMessage) : undefined
    case 'raft':
      return isRaftMessage(x.m, remote, local) ? (x as BondMessage) : undefined
    case 'sync':
      return isSyncMessage(x.m) ? (x as BondMessage) : undefined
    case 'bondFormed':
      return isStr(x.peer) && typeof x.up === 'boolean' ? (x as BondMessage) : undefined
    case 'departure':
      return x as BondMessage
    default:
      return undefined
  }
}
