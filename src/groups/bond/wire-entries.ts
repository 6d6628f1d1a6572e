import { isLogCommand, type LogCommand } from '../log-command.js'
import { isTerm, MAX_INDEX } from '../raft/limits.js'
import type { Entry, LogIndex, Term } from '../raft/types.js'
import { MAX_ENTRIES_PER_APPEND } from '../raft-config.js'

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
 */
export interface WireEntries {
  readonly t: Term
  readonly l?: string | null
  readonly e: readonly WireEntry[]
}

/**
 * The wire form of `entries` (their indices must follow one another, as in every AppendEntries)
 * after an entry tagged `prevLeader`.
 */
export function toWire(entries: readonly Entry<LogCommand>[], prevLeader: string | undefined): WireEntries {
  const first = entries[0]
  const t = first?.term ?? 0
  const l = first?.leader
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
  if (!isTerm(w.t) || (w.l !== undefined && w.l !== null && !isLeaderTag(w.l)) || !Array.isArray(w.e)) return undefined
  // As for plain entries: no more than a leader sends at once, no index past `MAX_INDEX`.
  if (!entriesFit(prevIndex, w.e.length)) return undefined
  for (const item of w.e as unknown[]) if (!isWireEntry(item)) return undefined
  const term = w.t
  const leader = w.l === undefined ? prevLeader : w.l === null ? undefined : (w.l as string)
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
