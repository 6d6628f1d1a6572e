import { RaftLog } from './log.js'
import { quorumSize } from './quorum.js'
import { follower, type RoleState } from './roles.js'
import type {
  HardState,
  LeadershipPreference,
  LogIndex,
  Message,
  NodeId,
  ProposalOutcome,
  RaftConfig,
  RaftOptions,
  RaftRestore,
  ReadState,
  RequestId,
  SnapshotNeed,
  SoftState,
  Term,
} from './types.js'

/** A request this member sent to the leader and still waits for (`forwardCommand`/`readIndex`). */
export interface Outstanding<C> {
  readonly kind: 'command' | 'read'
  ticksLeft: number
  /** What was sent, so it can go again once its leader is heard from over a new bond (`resendOutstanding`). */
  readonly sent: Extract<Message<C>, { type: 'forwardCommand' | 'readIndex' }>
}

/**
 * State shared by every role (Raft Figure 2 plus mosaik's additions) and the outputs that the
 * next `Ready` will carry. Internal: the role modules read and write it; the public face is
 * `Raft` in raft.ts.
 */
export class RaftState<C> {
  /** Replaced (never mutated) by `Raft.setPreference`; every other field is fixed at creation. */
  config: RaftConfig
  readonly options: RaftOptions<C>
  readonly log: RaftLog<C>
  term: Term
  votedFor: NodeId | undefined
  commit: LogIndex
  /**
   * Raft's "learner until caught up", for strict mode (vote.ts, `mayStand`). A member that
   * starts with an empty log may be a voter that lost its store and came back (a new tab or
   * identity, a wiped device): committed entries it once acknowledged now have one holder fewer,
   * and with its empty log it would grant its vote to a member that lacks them. So until a
   * leader caught it up it grants no vote to a candidate with history and does not stand while
   * its log is non-empty; a candidate with an empty log still gets its vote, so a new group
   * forms. Caught up means: it accepted an append after which its log matches the leader's up
   * to at least the commit index that append announced, so it holds every entry that leader
   * knew committed (follower.ts); a leader is caught up by Leader Completeness. Persisted with
   * the hard state, so a partial catch-up that survived a restart does not count.
   *
   * Its acknowledgements count toward commit before that: an ack of index i means it durably
   * holds the leader's prefix up to i (persisted before the ack is sent), and until it is
   * caught up it votes for no candidate with history, so an election quorum that excludes it
   * still meets every commit quorum in a member that holds the entry and denies a candidate
   * without it; the leader that catches it up was elected that way, so holds the entry too.
   *
   * What it cannot close: the leader's announced commit may lag an entry a quorum already
   * holds (acks still in flight); if the member whose store was lost was in that quorum and
   * the leader dies before sending it, the entry's only holder is down. Replacing a voter safely
   * in all cases takes a membership change, which strict mode does not have (DESIGN.md).
   */
  caughtUp: boolean
  /**
   * A peer showed a non-empty log (an append, a vote request or an answer past index 0): the group
   * has history, so until caught up we treat an empty-log candidate like one with history and do
   * not stand with our own empty log. In memory only: a restart hears it again. A lying peer can
   * only make us more careful.
   */
  historySeen = false
  role: RoleState = follower(undefined)
  readonly peers = new Map<NodeId, LeadershipPreference>()

  electionElapsed = 0
  electionTimeout = 0

  /** This follower found a gap or conflict with its leader and abstains until it matches again. */
  lagging = false
  needsSnapshot: SnapshotNeed | undefined
  needsSnapshotReported = false

  /** Highest index handed to the driver in `Ready.committed`; `applied` once advanced. */
  delivered: LogIndex
  applied: LogIndex
  reverted: LogIndex | undefined

  messages: Message<C>[] = []
  proposals: ProposalOutcome[] = []
  readStates: ReadState[] = []
  readonly outstanding = new Map<RequestId, Outstanding<C>>()
  /** The bond to this leader went down or was replaced: resend what is outstanding once it speaks again. */
  resendTo: NodeId | undefined
  /**
   * Request ids start at a random point so that ids reused after a restart do not collide with
   * ones a leader still remembers (as mosaik draws random ids).
   */
  nextRequestId: RequestId
  /** Answers to forwarded commands by sender and request id (indices, or a refusal): copies get the same. */
  readonly forwarded = new Map<string, LogIndex[] | undefined>()

  lastHard: HardState
  lastSoft: SoftState
  /** `Entry.leader` for entries this start creates: the id plus a nonce (see types.ts). */
  readonly tag: string

  constructor(config: RaftConfig, restore: RaftRestore<C> | undefined, options: RaftOptions<C>) {
    this.config = config
    this.options = options
    this.log = new RaftLog(restore?.entries ?? [], restore?.snapshot)
    this.term = restore?.hardState.term ?? 0
    this.votedFor = restore?.hardState.votedFor
    // A store written before the flag existed: a member with history voted already, keep it so
    // (treating it as fresh would stall a group whose members all restart from such stores).
    const history = (restore?.entries.length ?? 0) > 0 || restore?.snapshot !== undefined
    this.caughtUp = restore?.hardState.caughtUp ?? history
    const snapshotIndex = restore?.snapshot?.index ?? 0
    this.commit = Math.max(snapshotIndex, Math.min(restore?.hardState.commit ?? 0, this.log.lastIndex))
    // The driver rebuilds its state machine from the snapshot; entries after it are replayed.
    this.delivered = snapshotIndex
    this.applied = snapshotIndex
    this.nextRequestId = 1 + Math.floor(config.rng() * 2 ** 32)
    this.tag = `${config.id}#${Math.floor(config.rng() * 2 ** 32).toString(36)}`
    this.lastHard = this.hardState()
    this.lastSoft = this.softState()
    this.resetElectionTimer()
  }

  get id(): NodeId {
    return this.config.id
  }

  get strict(): boolean {
    return (this.config.minVoters ?? 0) > 0
  }

  hardState(): HardState {
    return { term: this.term, votedFor: this.votedFor, commit: this.commit, caughtUp: this.caughtUp }
  }

  softState(): SoftState {
    const leader = this.role.role === 'leader' ? this.id : this.role.role === 'follower' ? this.role.leader : undefined
    return { role: this.role.role, leader, term: this.term }
  }

  send(message: Message<C>): void {
    this.messages.push(message)
  }

  /** Connected members that count toward quorums: everyone but observers (mosaik). */
  votingPeers(): NodeId[] {
    const voters: NodeId[] = []
    for (const [id, preference] of this.peers) if (preference !== 'observer') voters.push(id)
    return voters
  }

  /** The committee as a leader sees it: itself plus connected voters that did not abstain (mosaik). */
  committee(abstaining: ReadonlySet<NodeId>): NodeId[] {
    return [this.id, ...this.votingPeers().filter((id) => !abstaining.has(id))]
  }

  quorum(committee: number): number {
    return quorumSize(committee, this.config.minVoters)
  }

  /**
   * Pick a fresh randomized election timeout (Raft §5.2). mosaik's bootstrap delay lengthens the
   * first one, before any term began; reluctant members wait longer.
   */
  resetElectionTimer(): void {
    const { electionTicks, electionJitterTicks, bootstrapTicks, reluctantExtraTicks, preference } = this.config
    let timeout = electionTicks + Math.floor(this.config.rng() * (electionJitterTicks + 1))
    if (this.term === 0) timeout += bootstrapTicks
    if (preference === 'reluctant') timeout += reluctantExtraTicks
    this.electionElapsed = 0
    this.electionTimeout = timeout
  }

  /** Adopt a newer term (Raft §5.1): the vote is reset. */
  setTerm(term: Term): void {
    if (term > this.term) {
      this.term = term
      this.votedFor = undefined
    }
  }

  /** Move the commit index forward; it never moves back here. */
  advanceCommit(index: LogIndex): boolean {
    const target = Math.min(index, this.log.lastIndex)
    if (target <= this.commit) return false
    this.commit = target
    return true
  }

  /**
   * Cut the log at `from` (a conflict with the leader). In default mode this may drop committed
   * entries: the commit index moves back and `Ready.reverted` reports it (mosaik's heal rule).
   */
  truncateLog(from: LogIndex): void {
    if (from > this.log.lastIndex) return
    // Checked before anything changes: the log and commit stay as they were.
    if (this.commit >= from && this.strict) throw new StrictModeViolation(this.id, from, this.commit)
    this.log.truncate(from)
    if (this.commit >= from) {
      this.commit = from - 1
      this.reverted = Math.min(this.reverted ?? this.commit, this.commit)
      if (this.delivered > this.commit) this.delivered = this.commit
      if (this.applied > this.commit) this.applied = this.commit
    }
  }
}

/**
 * A peer asked a strict-mode member to drop an entry it committed (a hostile or broken
 * leader: in strict mode an honest one never does). Thrown by `step` before the core changes
 * anything; the driver drops the bond with that peer and reports it.
 */
export class StrictModeViolation extends Error {
  readonly index: LogIndex
  constructor(id: string, index: LogIndex, commit: LogIndex) {
    super(`raft ${id}: strict mode must never truncate committed entry ${index} (commit ${commit})`)
    this.name = 'StrictModeViolation'
    this.index = index
  }
}
