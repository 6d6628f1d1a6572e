import type { LogIndex, NodeId, RequestId } from './types.js'

/** Passive: answers leaders and candidates, forwards proposals (Raft §5.2). */
export interface Follower {
  readonly role: 'follower'
  leader: NodeId | undefined
}

/** Running an election in `term`: the votes it asked for and the answers so far (Raft §5.2). */
export interface Candidate {
  readonly role: 'candidate'
  /** Voting members asked (self included); fixed for the round, as in mosaik. */
  readonly requested: ReadonlySet<NodeId>
  readonly granted: Set<NodeId>
  readonly denied: Set<NodeId>
  readonly abstained: Set<NodeId>
  /** Granted by members not caught up yet (`vote.learner`, strict mode). */
  readonly learners: Set<NodeId>
}

/** A strong read waiting for a committed entry of this term and a quorum of probe echoes (Raft §8). */
export interface PendingRead {
  /** `undefined` for a read of this member; otherwise the follower that forwarded it. */
  readonly from: NodeId | undefined
  readonly requestId: RequestId
  /** Echoes of this probe round (or later) confirm leadership after the read arrived. */
  readonly probe: number
  ticksLeft: number
}

/**
 * Leading `term`. mosaik keeps no nextIndex/matchIndex: `acks` is only the last index each
 * committee member reported, used to count the commit quorum; laggards say where to resume.
 */
export interface Leader {
  readonly role: 'leader'
  /** Last index each voting member reported as matching (the leader's own is its last index). */
  readonly acks: Map<NodeId, LogIndex>
  /** Members that answered `lagging`: out of the quorum denominator until they catch up. */
  readonly abstaining: Set<NodeId>
  /** Lagging members being walked forward chunk by chunk. */
  readonly catchingUp: Set<NodeId>
  /** Entries up to here went out in a broadcast; later ones ride the next batch. */
  broadcastIndex: LogIndex
  heartbeatElapsed: number
  /**
   * Check-quorum (strict mode, Raft §6.2): members that answered an AppendEntries of this term
   * since the last check, and the ticks since that check (`leader.ts` `quorumActive`).
   */
  readonly recentActive: Set<NodeId>
  checkElapsed: number
  /** Send a heartbeat at the next flush (commit moved, or a read needs a probe). */
  heartbeatDue: boolean
  /**
   * The next heartbeat must be answered: the clock's (liveness, check-quorum), the first of a term,
   * or a strong read's probe. A heartbeat sent only to tell the commit index goes out `quiet`.
   */
  answerDue: boolean
  /** `deferCommitNotice`: the commit moved since the last AppendEntries went out; `announceCommit` sends it. */
  commitNoticeDue: boolean
  /**
   * Indices a follower waits to see committed, each above `toldCommit` (`noteAwaited`): the
   * last index of a forwarded command, the read point of a follower's strong read.
   */
  awaited: LogIndex[]
  /** The commit index the last AppendEntries to the followers carried. */
  toldCommit: LogIndex
  /** Current probe round; followers echo it. */
  probe: number
  readonly probeAcks: Map<NodeId, number>
  readonly reads: PendingRead[]
}

export type RoleState = Follower | Candidate | Leader

export function follower(leader: NodeId | undefined): Follower {
  return { role: 'follower', leader }
}

/** Most indices a leader keeps as awaited; past it, a follower hears on the next turn. */
const MAX_AWAITED = 64

/**
 * A follower waits for the commit of `index` (its forwarded command's last entry, or its strong
 * read's point): once the commit reaches it, the driver tells followers at once
 * (`RaftCore.commitAwaited`) instead of on its next turn.
 */
export function noteAwaited(role: Leader, index: LogIndex): void {
  if (index > role.toldCommit && role.awaited.length < MAX_AWAITED) role.awaited.push(index)
}
