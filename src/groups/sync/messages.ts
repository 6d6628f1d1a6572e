import { isCount, isTerm } from '../raft/limits.js'
import { LINEAGE_RUNS, type LineageView } from './lineage.js'

/**
 * mosaik's `SnapshotSyncMessage`, carried in bond `sync` frames:
 * - `request`: a laggard asks the leader for a snapshot;
 * - `pull`: a member about to lead asks a member that applied more for its current state
 *   (no leader needed: it holds a snapshot at its applied index and offers it);
 * - `offer`: a member that committed the `snap` entry holds a snapshot at `index`;
 * - `fetch`: items `[start, end)` of the snapshot at `index`;
 * - `data`: the answer (`items` undefined: that snapshot is gone).
 */
export type SyncMessage =
  | { readonly type: 'request' }
  | { readonly type: 'pull' }
  | {
      readonly type: 'offer'
      readonly index: number
      readonly term: number
      readonly items: number
      /** `Entry.leader` of the entry at `index`: two leaders of one term wrote different states there. */
      readonly leader?: string
      /** Who wrote the history up to `index` (the laggard reports what the install rolls back). */
      readonly lineage?: LineageView
    }
  | { readonly type: 'fetch'; readonly index: number; readonly start: number; readonly end: number }
  | { readonly type: 'data'; readonly index: number; readonly start: number; readonly items: unknown[] | undefined }

/** One line for logs and transcripts. */
export function describeSyncMessage(m: SyncMessage): string {
  switch (m.type) {
    case 'request':
      return 'RequestSnapshot'
    case 'pull':
      return 'PullSnapshot'
    case 'offer':
      return `SnapshotOffer[@${m.index}/t=${m.term}/n=${m.items}]`
    case 'fetch':
      return `FetchData[@${m.index}/${m.start}..${m.end}]`
    case 'data':
      return `FetchDataResponse[@${m.index}/${m.start}+${m.items ? m.items.length : 'gone'}]`
  }
}

// Positions and counts: safe integers within bounds (raft/limits.ts); an offer's `items` is
// a claim only (the fetch allocates what arrives, never what is claimed).
const isNum = (x: unknown): x is number => isCount(x)
/** An `Entry.leader` tag: a peer id and a nonce, bounded. */
const isTag = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 256

/** Structural check of a sync message from a peer. */
export function isSyncMessage(x: unknown): x is SyncMessage {
  if (typeof x !== 'object' || x === null) return false
  const m = x as Record<string, unknown>
  switch (m.type) {
    case 'request':
    case 'pull':
      return true
    case 'offer':
      return (
        isNum(m.index) &&
        isTerm(m.term) &&
        isNum(m.items) &&
        (m.leader === undefined || isTag(m.leader)) &&
        (m.lineage === undefined || isLineage(m.lineage, m.index))
      )
    case 'fetch':
      return isNum(m.index) && isNum(m.start) && isNum(m.end) && m.end >= m.start
    case 'data':
      return isNum(m.index) && isNum(m.start) && (m.items === undefined || Array.isArray(m.items))
    default:
      return false
  }
}

/** A lineage up to `index`: at most `LINEAGE_RUNS` runs, each ending past the one before, the last at `index`. */
function isLineage(x: unknown, index: number): x is LineageView {
  if (typeof x !== 'object' || x === null) return false
  const { from, runs } = x as Record<string, unknown>
  if (!isNum(from) || !Array.isArray(runs) || runs.length > LINEAGE_RUNS) return false
  let prev = from
  for (const r of runs as unknown[]) {
    if (!Array.isArray(r) || r.length !== 3 || !isTag(r[0]) || !isTerm(r[1]) || !isNum(r[2]) || r[2] <= prev)
      return false
    prev = r[2]
  }
  return prev === index
}
