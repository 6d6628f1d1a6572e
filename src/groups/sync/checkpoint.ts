import type { Version } from '../../core/id.js'
import type { SnapshotPoint } from '../raft/types.js'
import type { Snapshot } from '../types.js'
import type { LineageView } from './lineage.js'

/**
 * A state this member held and can go back to without the network: its state machine's
 * snapshot (a copy-on-write view) at a log point, taken at start and after each install.
 * A default-mode revert to `to` at or past it replays the log after it from there, instead of
 * fetching a snapshot: when every member applied entries the revert took back, no member
 * could serve one.
 */
export interface LocalCheckpoint {
  readonly point: SnapshotPoint
  readonly snapshot: Snapshot<unknown>
  readonly lineage: LineageView
}

/**
 * True when `checkpoint` can rebuild the state at `to`: it lies at or below `to`, the log
 * still holds the same entry at its point (`pointAt` is the core's `snapshotPoint`) and every
 * entry after it up to `to` (`held`: the log's first index).
 */
export function usable(
  checkpoint: LocalCheckpoint | undefined,
  to: Version,
  firstIndex: Version,
  pointAt: (index: Version) => SnapshotPoint | undefined,
): checkpoint is LocalCheckpoint {
  if (!checkpoint || checkpoint.point.index > to || checkpoint.point.index + 1 < firstIndex) return false
  const mine = pointAt(checkpoint.point.index)
  return mine !== undefined && mine.term === checkpoint.point.term && mine.leader === checkpoint.point.leader
}
