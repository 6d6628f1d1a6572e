/**
 * The contract of the pure Raft core (docs/ARCHITECTURE.md "The raft core"). The group
 * driver (src/groups/group.ts) programs against exactly these names; the
 * implementation lives beside this file. Nothing here does I/O, reads a clock
 * or calls Math.random: time is `tick()`, randomness is `RaftConfig.rng`.
 */

/** Raft term (Raft §5.1). */
export type Term = number
/** Position in the replicated log, 1-based; 0 means "before the first entry". */
export type LogIndex = number
/** Opaque member id; the driver uses libp2p peer id strings. */
export type NodeId = string

/** mosaik's leadership preference: how eager a member is to lead. */
export type LeadershipPreference = 'normal' | 'reluctant' | 'observer'
/** mosaik's three-valued vote: a lagging or observing member abstains. */
export type VoteResult = 'granted' | 'denied' | 'abstained'
export type Role = 'follower' | 'candidate' | 'leader'

/** One log entry. `command` is opaque to the core (the driver passes encoded bytes). */
export interface Entry<C> {
  readonly term: Term
  readonly index: LogIndex
  readonly command: C
  /**
   * Tag of the leader that created the entry: its id and a nonce drawn at each start
   * (`id#nonce`). In default mode two partitioned leaders can win the same term, and a member
   * that restarts without its disk can lead a term number again, so `(index, term)` alone no
   * longer identifies an entry; log matching compares `(index, term, leader)`. The driver must
   * persist and transmit it with the entry.
   */
  readonly leader?: string
  /** A leader's term-opening barrier (`RaftOptions.noop`); the state machine must skip it. */
  readonly noop?: true
}

export interface RaftConfig {
  readonly id: NodeId
  readonly preference: LeadershipPreference
  /** Base election timeout in ticks; each reset picks base + rng()*jitter. Also the strict check-quorum period. */
  readonly electionTicks: number
  readonly electionJitterTicks: number
  /** Leader heartbeat (empty AppendEntries) every this many ticks. */
  readonly heartbeatTicks: number
  /** Ticks to wait before this member may stand for the first time (mosaik's bootstrap delay). */
  readonly bootstrapTicks: number
  /** Extra election-timeout ticks for `reluctant` members. */
  readonly reluctantExtraTicks: number
  /**
   * Strict mode: elections and commits need floor(minVoters/2)+1 granted votes, and a leader that
   * hears from no quorum for `electionTicks` steps down (check-quorum). 0/undefined = default mode.
   */
  readonly minVoters?: number
  /** Max entries carried by one AppendEntries. */
  readonly maxEntriesPerAppend: number
  /**
   * When the leader's commit index moves, do not send a heartbeat at once to tell the followers:
   * the next AppendEntries carries it, and the driver calls `announceCommit()` (say, on the next
   * event-loop turn) when it wants it sent. A driver that writes one entry after another then
   * sends one AppendEntries per entry instead of an AppendEntries and a heartbeat.
   */
  readonly deferCommitNotice?: boolean
  /** Seeded RNG in [0,1); injected so the simulator is deterministic. */
  readonly rng: () => number
}

/** What must be persisted before the messages of the same Ready are sent (Raft §5, Figure 2). */
export interface HardState {
  readonly term: Term
  readonly votedFor: NodeId | undefined
  readonly commit: LogIndex
  /**
   * Strict mode: this member may vote for a candidate with history (see `RaftState.caughtUp`).
   * A member starts without it and gains it once a leader caught it up; leaders have it. Absent
   * in stores written before it existed: the core then takes a non-empty log (or snapshot) as
   * caught up (those members voted already) and an empty one as fresh.
   */
  readonly caughtUp?: boolean
}

/** Role, leader and term as seen now; changes are reported in `Ready.softState`. */
export interface SoftState {
  readonly role: Role
  readonly leader: NodeId | undefined
  readonly term: Term
}

/** Opaque correlation id for a local proposal or strong read. */
export type RequestId = number

/** A leader's compacted point that a follower must reach by snapshot sync (`Ready.needsSnapshot`). */
export interface SnapshotNeed {
  /** The leader that cannot replicate the missing entries. */
  readonly leader: NodeId
  /** The leader's log starts after this index: install a snapshot at or past it. */
  readonly index: LogIndex
  readonly term: Term
}

/**
 * Why a proposal or read got no index. `noLeader`/`notLeader`: nothing was appended.
 * `timeout`/`steppedDown`: the answer never came; the commands may still commit (unknown outcome).
 */
export type Unanswered = 'noLeader' | 'notLeader' | 'timeout' | 'steppedDown'

/**
 * Every message carries `type`, `term`, `from`, `to`.
 *
 * - `appendEntries` with no entries is a heartbeat and its `prevIndex` is the leader's last index.
 *   `prevLeader` is the leader of the entry at `prevIndex` (see `Entry.leader`). `probe`, when
 *   set, is echoed in the response so the leader can confirm a strong read (Raft §8).
 * - `appendEntriesResponse.lastIndex`: on success the last index known to match the leader; on
 *   failure (`lagging`) where the leader should resume. The leader keeps no nextIndex/matchIndex.
 * - `needsSnapshot`: the leader compacted the entries this follower needs (`Ready.needsSnapshot`).
 * - `vote.learner`: see the field; a voter that omits it counts as caught up.
 * - `forward*` and `readIndex*` never change terms or roles; their `term` is informative.
 */
export type Message<C> =
  | {
      type: 'appendEntries'
      term: Term
      from: NodeId
      to: NodeId
      prevIndex: LogIndex
      prevTerm: Term
      entries: Entry<C>[]
      commit: LogIndex
      prevLeader?: string
      probe?: number
      /**
       * A commit notice: the follower answers only when it does not match (it lags or conflicts).
       * The answer would tell the leader nothing new, and skipping it halves a lone commit's
       * messages. Heartbeats of the clock and of a strong read's probe are always answered.
       */
      quiet?: true
    }
  | {
      type: 'appendEntriesResponse'
      term: Term
      from: NodeId
      to: NodeId
      success: boolean
      lastIndex: LogIndex
      lagging: boolean
      probe?: number
    }
  | { type: 'needsSnapshot'; term: Term; from: NodeId; to: NodeId; index: LogIndex; snapshotTerm: Term }
  | { type: 'requestVote'; term: Term; from: NodeId; to: NodeId; lastIndex: LogIndex; lastTerm: Term }
  | {
      type: 'vote'
      term: Term
      from: NodeId
      to: NodeId
      vote: VoteResult
      /**
       * Strict mode: the voter is not caught up yet (`HardState.caughtUp`), so its grant counts
       * toward the quorum only beside enough grants of caught-up members (candidate.ts).
       */
      learner?: true
    }
  | { type: 'forwardCommand'; term: Term; from: NodeId; to: NodeId; requestId: RequestId; commands: C[] }
  | {
      type: 'forwardCommandAck'
      term: Term
      from: NodeId
      to: NodeId
      requestId: RequestId
      indices: LogIndex[] | undefined
    }
  | { type: 'readIndex'; term: Term; from: NodeId; to: NodeId; requestId: RequestId }
  | { type: 'readIndexAck'; term: Term; from: NodeId; to: NodeId; requestId: RequestId; index: LogIndex | undefined }

/** The outcome of a local `propose`: indices assigned by the leader, or `undefined` and a `reason`. */
export interface ProposalOutcome {
  readonly requestId: RequestId
  readonly indices: LogIndex[] | undefined
  readonly reason?: Unanswered
}

/** A strong read is safe once the local replica applied `index` (Raft §8 ReadIndex). */
export interface ReadState {
  readonly requestId: RequestId
  readonly index: LogIndex | undefined
  readonly reason?: Unanswered
}

/**
 * One batch of work for the driver. `ready()` hands it over and clears it; handle Readies in
 * order, each fully, in this order:
 * 1. `truncateFrom` then `entries`, and `hardState`: persist (delete entries >= `truncateFrom`,
 *    then append `entries`);
 * 2. `messages`: send (only after 1);
 * 3. `reverted` (default mode only): the commit index moved back to this index because a
 *    partition's committed entries were overwritten after the heal. `status().applied` moved back
 *    too. Roll the state machine back to exactly `reverted` (reload the last snapshot and replay
 *    `entries(snapshot + 1, reverted)`, or run snapshot sync) before applying `committed`, which
 *    then continues at `reverted + 1`. Never emitted in strict mode;
 * 4. `committed`: apply in order, skipping `noop` entries;
 * 5. `proposals`, `readStates`, `softState`: report to callers;
 * 6. `needsSnapshot`: start snapshot sync (see `SnapshotNeed`).
 * Then call `advance()`: it marks `committed` as applied (the bound for `compact`).
 */
export interface Ready<C> {
  readonly softState?: SoftState
  readonly hardState?: HardState
  readonly truncateFrom?: LogIndex
  readonly entries: Entry<C>[]
  readonly messages: Message<C>[]
  readonly reverted?: LogIndex
  readonly committed: Entry<C>[]
  readonly proposals: ProposalOutcome[]
  readonly readStates: ReadState[]
  /**
   * Set once when the leader compacted entries this member still needs: run snapshot sync, then
   * call `installSnapshot(index, term)` at or past `needsSnapshot.index`.
   */
  readonly needsSnapshot?: SnapshotNeed
}

export interface RaftStatus {
  readonly id: NodeId
  readonly role: Role
  readonly term: Term
  readonly leader: NodeId | undefined
  readonly commit: LogIndex
  readonly applied: LogIndex
  readonly lastIndex: LogIndex
  readonly firstIndex: LogIndex
  /** Peers currently connected (as told by the driver) with their preference. */
  readonly peers: ReadonlyMap<NodeId, LeadershipPreference>
  /** True while this follower knows it is behind the leader and abstains. */
  readonly lagging: boolean
  /** Set from `Ready.needsSnapshot` until `installSnapshot` reaches that point. */
  readonly needsSnapshot: SnapshotNeed | undefined
}

/** The last entry a snapshot covers: its index, term and `Entry.leader` (when known). */
export interface SnapshotPoint {
  readonly index: LogIndex
  readonly term: Term
  readonly leader?: string
}

/** Persisted state a restarted member comes back with. */
export interface RaftRestore<C> {
  readonly hardState: HardState
  readonly entries: Entry<C>[]
  /** Index/term (and `Entry.leader`) of an installed snapshot the entries follow, if any. */
  readonly snapshot?: SnapshotPoint
}

/** Options that are generic over the command type (third argument of `createRaft`). */
export interface RaftOptions<C> {
  /**
   * A command the leader appends when it takes office (the entry has `noop: true`). It lets a new
   * leader commit earlier terms' entries and serve strong reads at once (Raft §5.4.2, §8).
   * Without it, both wait for the first proposal of the new term.
   */
  readonly noop?: C
}

/** The pure core: inputs on the left, one `Ready` out. */
export interface RaftCore<C> {
  tick(): void
  step(message: Message<C>): void
  /** Propose commands; the outcome arrives in `Ready.proposals` (forwarded to the leader when this member follows). */
  propose(commands: C[]): RequestId
  /** Ask for a linearizable read point (forwarded to the leader when this member follows). */
  readIndex(): RequestId
  /** The driver reports membership (again for a peer whose preference changed); the core never assumes a fixed cluster. */
  peerUp(id: NodeId, preference: LeadershipPreference): void
  peerDown(id: NodeId): void
  /**
   * Change this member's own leadership preference at runtime (a collection replica that
   * gains its first writer handle goes from `observer` to `normal`). From now on the member
   * stands, votes and takes election timeouts as `preference` says; a leader or candidate that
   * becomes an `observer` steps down to follower at once (mosaik: observers never lead). The
   * driver must tell its peers, which report it here with `peerUp(id, preference)`.
   */
  setPreference(preference: LeadershipPreference): void
  /**
   * The driver installed a state-machine snapshot up to `index` (term `term`, entry leader
   * `leader`, as `snapshotPoint(index)` reports on the source); the log restarts after it.
   * Committed entries after `index` are delivered again. A snapshot that disagrees with committed
   * entries (default mode after a partition) moves commit back and reports `reverted`.
   */
  installSnapshot(index: LogIndex, term: Term, leader?: string): void
  /** Index, term and leader of the entry at `index` (in the log or the snapshot point), to describe a snapshot. */
  snapshotPoint(index: LogIndex): SnapshotPoint | undefined
  /** Drop log entries at or below `index` (must be ≤ applied). */
  compact(index: LogIndex): void
  /** Entries in [from, to] still in the log, for a laggard or a replay. */
  entries(from: LogIndex, to: LogIndex): Entry<C>[]
  hasReady(): boolean
  /** `RaftConfig.deferCommitNotice`: this leader's commit moved past what it last sent its followers. */
  commitNoticeDue(): boolean
  /**
   * The due commit notice reaches an index a follower waits for (its forwarded command's last
   * entry, or its strong read's point): a driver that defers notices should send this one at once.
   */
  commitAwaited(): boolean
  /** Sends the commit index with the next flush (a heartbeat unless entries go out anyway). */
  announceCommit(): void
  ready(): Ready<C>
  advance(): void
  status(): RaftStatus
}
