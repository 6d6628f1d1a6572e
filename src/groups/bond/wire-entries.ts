import { DEFAULT_MAX_FRAME_SIZE } from '../../core/framing.js'
import { isLogCommand, type LogCommand } from '../log-command.js'
import { isTerm, MAX_INDEX } from '../raft/limits.js'
import type { Entry, LogIndex, Term } from '../raft/types.js'
import { MAX_ENTRIES_PER_APPEND } from '../raft-config.js'
import { pack, packable, unpack } from './packed-commands.js'

/**
 * One entry as it travels: `[command]` when it has the batch's term and leader tag and is no
 * no-op, else `[command, term, leader or null, 1 for a no-op else 0]`. Its index is the
 * AppendEntries' `prevIndex` plus its position, so it is not sent either.
 */
export type WireEntry = readonly [LogCommand] | readonly [LogCommand, Term, string | null, 0 | 1]

/**
 * The entries of an AppendEntries as they travel (`x` on the wire, instead of `entries`): the
 * term (`t`) and leader tag (`l`) most of them share, said once. A batch of one leader's
 * writes repeated that tag, about 60 bytes, in every entry. `l` is left out when it is the
 * message's `prevLeader` (a leader appending to its own entries), and `null` for no tag.
 * The entries are `p` when every one is an application command with the shared term and
 * tag (one byte string, `packed-commands.ts`: the usual batch), else `e`; never both.
 */
export type WireEntries =
  | { readonly t: Term; readonly l?: string | null; readonly e: readonly WireEntry[] }
  | { readonly t: Term; readonly l?: string | null; readonly p: Uint8Array }

/** The last batch `toWire` built, by its ends: the same batch to each follower is built once. */
let last:
  | {
      first: Entry<LogCommand>
      end: Entry<LogCommand>
      count: number
      prevLeader: string | undefined
      wire: WireEntries
    }
  | undefined

/**
 * The wire form of `entries` (their indices must follow one another, as in every AppendEntries)
 * after an entry tagged `prevLeader`.
 */
export function toWire(entries: readonly Entry<LogCommand>[], prevLeader: string | undefined): WireEntries {
  const first = entries[0]
  const end = entries[entries.length - 1]
  // Entries are never changed in place: a log truncated below `end` holds a new entry there.
  if (
    first &&
    end &&
    last?.first === first &&
    last.end === end &&
    last.count === entries.length &&
    last.prevLeader === prevLeader
  )
    return last.wire
  const wire = build(entries, prevLeader)
  last = first && end ? { first, end, count: entries.length, prevLeader, wire } : undefined
  return wire
}

function build(entries: readonly Entry<LogCommand>[], prevLeader: string | undefined): WireEntries {
  const first = entries[0]
  const t = first?.term ?? 0
  const l = first?.leader
  const plain = entries.every(
    (entry) => entry.term === t && entry.leader === l && !entry.noop && packable(entry.command),
  )
  if (plain && entries.length > 0) {
    const p = pack(entries.map((entry) => entry.command))
    return l === prevLeader ? { t, p } : { t, l: l ?? null, p }
  }
  const e = entries.map(
    (entry): WireEntry =>
      entry.term === t && entry.leader === l && !entry.noop
        ? [entry.command]
        : [entry.command, entry.term, entry.leader ?? null, entry.noop ? 1 : 0],
  )
  return l === prevLeader ? { t, e } : { t, l: l ?? null, e }
}

/**
 * The entries `x` stands for, after the entry at `prevIndex` tagged `prevLeader`; undefined when
 * `x` is not a well-formed `WireEntries` (checked before anything is built: the frame is a peer's).
 */
export function fromWire(
  x: unknown,
  prevIndex: LogIndex,
  prevLeader: string | undefined,
): Entry<LogCommand>[] | undefined {
  if (typeof x !== 'object' || x === null) return undefined
  const w = x as Record<string, unknown>
  if (!isTerm(w.t) || (w.l !== undefined && w.l !== null && !isLeaderTag(w.l))) return undefined
  const term = w.t
  const leader = w.l === undefined ? prevLeader : w.l === null ? undefined : (w.l as string)
  if (w.p !== undefined) {
    if (w.e !== undefined || !(w.p instanceof Uint8Array)) return undefined
    // As for plain entries: no more than a leader sends at once, no index past `MAX_INDEX`.
    const commands = unpack(w.p, MAX_ENTRIES_PER_APPEND, DEFAULT_MAX_FRAME_SIZE)
    if (!commands || !entriesFit(prevIndex, commands.length)) return undefined
    return commands.map((command, i) =>
      leader === undefined
        ? { term, index: prevIndex + 1 + i, command }
        : { term, index: prevIndex + 1 + i, command, leader },
    )
  }
  if (!Array.isArray(w.e)) return undefined
  if (!entriesFit(prevIndex, w.e.length)) return undefined
  for (const item of w.e as unknown[]) if (!isWireEntry(item)) return undefined
  return (w.e as WireEntry[]).map((item, i) => {
    const index = prevIndex + 1 + i
    if (item.length === 1)
      return leader === undefined ? { term, index, command: item[0] } : { term, index, command: item[0], leader }
    const [command, t, l, noop] = item
    return {
      term: t,
      index,
      command,
      ...(l === null ? {} : { leader: l }),
      ...(noop === 1 ? { noop: true as const } : {}),
    }
  })
}

/**
 * Whether `count` entries after `prevIndex` are as many as one AppendEntries carries
 * (`MAX_ENTRIES_PER_APPEND`) and end at or below `MAX_INDEX`; both forms of entries are held
 * to it before any entry is looked at.
 */
export function entriesFit(prevIndex: LogIndex, count: number): boolean {
  return count <= MAX_ENTRIES_PER_APPEND && prevIndex + count <= MAX_INDEX
}

/** Longest leader tag accepted (a peer id and an incarnation are well under it). */
export const MAX_TAG_LENGTH = 255

/** A leader tag as a peer may send it: a non-empty string of at most `MAX_TAG_LENGTH` characters. */
export function isLeaderTag(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_TAG_LENGTH
}

function isWireEntry(x: unknown): x is WireEntry {
  if (!Array.isArray(x) || !isLogCommand(x[0])) return false
  if (x.length === 1) return true
  return x.length === 4 && isTerm(x[1]) && (x[2] === null || isLeaderTag(x[2])) && (x[3] === 0 || x[3] === 1)
}
