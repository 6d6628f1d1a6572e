import { campaign, handleVote } from './candidate.js'
import { expireOutstanding, handleForwarding, propose, readIndex, resendOutstanding } from './client.js'
import { becomeFollower, handleAppendEntries, handleNeedsSnapshot } from './follower.js'
import { flush, handleAppendResponse, leaderTick, maybeCommit, needsFlush, sendChunk } from './leader.js'
import { termJumpAllowed } from './limits.js'
import { expireReads } from './reads.js'
import { RaftState } from './state.js'
import type {
  Entry,
  HardState,
  LeadershipPreference,
  LogIndex,
  Message,
  NodeId,
  RaftConfig,
  RaftCore,
  RaftOptions,
  RaftRestore,
  RaftStatus,
  Ready,
  RequestId,
  SnapshotPoint,
  SoftState,
  Term,
} from './types.js'
import { handleRequestVote, mayStand } from './vote.js'

/**
 * Create the pure Raft core for one member. `restore` brings back what a previous run persisted
 * (term, vote, commit, log and snapshot point); `options.noop` lets leaders open their term with a
 * barrier entry. See index.ts for the driver loop.
 */
export function createRaft<C>(config: RaftConfig, restore?: RaftRestore<C>, options?: RaftOptions<C>): RaftCore<C> {
  return new Raft(config, restore, options ?? {})
}

class Raft<C> implements RaftCore<C> {
  readonly #state: RaftState<C>

  constructor(config: RaftConfig, restore: RaftRestore<C> | undefined, options: RaftOptions<C>) {
    this.#state = new RaftState(config, restore, options)
  }

  tick(): void {
    const state = this.#state
    expireOutstanding(state)
    if (state.role.role === 'leader') {
      const heard = leaderTick(state)
      expireReads(state)
      // Check-quorum (strict mode, Raft §6.2): a leader cut off from a quorum steps down, so it
      // stops looking online and its pending reads fail `steppedDown` at once.
      if (!heard) becomeFollower(state, state.term, undefined)
      return
    }
    state.electionElapsed++
    if (state.electionElapsed < state.electionTimeout) return
    // mosaik: observers never stand; they only keep following. Nor does a strict member with a
    // partial catch-up (state.ts `caughtUp`): its log may lack committed entries.
    if (state.config.preference === 'observer' || !mayStand(state)) state.resetElectionTimer()
    else campaign(state)
  }

  step(message: Message<C>): void {
    const state = this.#state
    if (message.to !== state.id || message.from === state.id) return
    // A term far past ours is refused (the driver counts it): see limits.ts.
    if (!termJumpAllowed(state.term, message.term)) return
    switch (message.type) {
      case 'forwardCommand':
      case 'forwardCommandAck':
      case 'readIndex':
      case 'readIndexAck':
        handleForwarding(state, message)
        return
    }
    if (showsHistory(message)) state.historySeen = true
    // Term checks shared by every role run before dispatch (Raft §5.1).
    const fromLeader = message.type === 'appendEntries' || message.type === 'needsSnapshot'
    if (message.term > state.term) becomeFollower(state, message.term, fromLeader ? message.from : undefined)
    if (message.term < state.term) {
      this.#rejectStale(message)
      return
    }

    switch (message.type) {
      case 'requestVote':
        handleRequestVote(state, message)
        return
      case 'vote':
        handleVote(state, message)
        return
      case 'appendEntriesResponse':
        handleAppendResponse(state, message)
        return
      case 'appendEntries':
      case 'needsSnapshot':
        if (state.role.role === 'leader') {
          // mosaik: a rival leader in our own term means a healed partition; a new election with
          // a higher term settles it.
          campaign(state)
          return
        }
        if (state.role.role === 'candidate') becomeFollower(state, message.term, message.from)
        if (message.type === 'appendEntries') handleAppendEntries(state, message)
        else handleNeedsSnapshot(state, message)
        resendOutstanding(state, message.from)
    }
  }

  /** Tell a stale candidate or leader our newer term so it steps down (Raft §5.1). */
  #rejectStale(message: Message<C>): void {
    const state = this.#state
    const reply = { term: state.term, from: state.id, to: message.from }
    if (message.type === 'requestVote') state.send({ type: 'vote', ...reply, vote: 'denied' })
    else if (message.type === 'appendEntries' || message.type === 'needsSnapshot') {
      state.send({ type: 'appendEntriesResponse', ...reply, success: false, lastIndex: 0, lagging: false })
    }
  }

  propose(commands: C[]): RequestId {
    return propose(this.#state, commands)
  }

  readIndex(): RequestId {
    return readIndex(this.#state)
  }

  peerUp(id: NodeId, preference: LeadershipPreference): void {
    const state = this.#state
    if (id === state.id) return
    const known = state.peers.has(id)
    state.peers.set(id, preference)
    // A new member hears from the leader at once and reports how far behind it is.
    if (!known && state.role.role === 'leader') sendChunk(state, id, state.log.lastIndex)
    // Our leader's bond was replaced (or came back): resend what the old one may have lost.
    if (state.role.role === 'follower' && state.role.leader === id) state.resendTo = id
    maybeCommit(state)
  }

  peerDown(id: NodeId): void {
    const state = this.#state
    state.peers.delete(id)
    const role = state.role
    if (role.role === 'leader') {
      role.acks.delete(id)
      role.abstaining.delete(id)
      role.catchingUp.delete(id)
      role.probeAcks.delete(id)
      // The committee shrank: what the rest acknowledged may now be a quorum (mosaik).
      maybeCommit(state)
    } else if (role.role === 'follower' && role.leader === id) {
      role.leader = undefined
      state.resendTo = id
    }
  }

  setPreference(preference: LeadershipPreference): void {
    const state = this.#state
    if (state.config.preference === preference) return
    state.config = { ...state.config, preference }
    // mosaik: observers never lead or stand; the next election timeout elects someone else.
    if (preference === 'observer' && state.role.role !== 'follower') {
      // A leader first tells the commit it deferred: no one else can until the next term.
      if (state.role.role === 'leader' && state.role.commitNoticeDue) {
        state.role.heartbeatDue = true
        flush(state)
      }
      becomeFollower(state, state.term, undefined)
    }
  }

  installSnapshot(index: LogIndex, term: Term, leader?: string): void {
    const state = this.#state
    const log = state.log
    if (index >= log.snapshotIndex && log.matches(index, term, leader)) {
      log.compact(index)
      state.advanceCommit(index)
    } else {
      log.restartAt(index, term, leader)
      if (state.commit > index) {
        // Our committed state was not the leader's (default mode after a partition).
        state.reverted = Math.min(state.reverted ?? index, index)
      }
      state.commit = index
    }
    // The driver's state machine now stands at `index`; later committed entries are delivered anew.
    state.delivered = index
    state.applied = index
    if (state.needsSnapshot && index >= state.needsSnapshot.index) state.needsSnapshot = undefined
  }

  snapshotPoint(index: LogIndex): SnapshotPoint | undefined {
    const log = this.#state.log
    const term = log.termAt(index)
    if (term === undefined) return undefined
    const leader = log.leaderAt(index)
    return { index, term, ...(leader === undefined ? {} : { leader }) }
  }

  compact(index: LogIndex): void {
    const state = this.#state
    if (index > state.applied) throw new Error(`raft ${state.id}: compact(${index}) past applied ${state.applied}`)
    state.log.compact(index)
  }

  entries(from: LogIndex, to: LogIndex): Entry<C>[] {
    return this.#state.log.slice(from, to)
  }

  commitNoticeDue(): boolean {
    const role = this.#state.role
    return role.role === 'leader' && role.commitNoticeDue
  }

  commitAwaited(): boolean {
    const role = this.#state.role
    const commit = this.#state.commit
    return role.role === 'leader' && role.commitNoticeDue && role.awaited.some((i) => i <= commit)
  }

  announceCommit(): void {
    const role = this.#state.role
    if (role.role !== 'leader' || !role.commitNoticeDue) return
    role.commitNoticeDue = false
    role.heartbeatDue = true
  }

  hasReady(): boolean {
    const state = this.#state
    return (
      needsFlush(state) ||
      state.messages.length > 0 ||
      state.log.hasUnstable() ||
      state.commit > state.delivered ||
      state.proposals.length > 0 ||
      state.readStates.length > 0 ||
      state.reverted !== undefined ||
      (state.needsSnapshot !== undefined && !state.needsSnapshotReported) ||
      !sameHard(state.lastHard, state.hardState()) ||
      !sameSoft(state.lastSoft, state.softState())
    )
  }

  ready(): Ready<C> {
    const state = this.#state
    flush(state)
    const hard = state.hardState()
    const soft = state.softState()
    const { truncateFrom, entries } = state.log.takeUnstable()
    const committed = state.commit > state.delivered ? state.log.slice(state.delivered + 1, state.commit) : []
    state.delivered = Math.max(state.delivered, state.commit)
    const needsSnapshot = state.needsSnapshot && !state.needsSnapshotReported ? state.needsSnapshot : undefined
    state.needsSnapshotReported = state.needsSnapshot !== undefined
    const ready: Ready<C> = {
      ...(sameSoft(state.lastSoft, soft) ? {} : { softState: soft }),
      ...(sameHard(state.lastHard, hard) ? {} : { hardState: hard }),
      ...(truncateFrom === undefined ? {} : { truncateFrom }),
      entries,
      messages: state.messages,
      ...(state.reverted === undefined ? {} : { reverted: state.reverted }),
      committed,
      proposals: state.proposals,
      readStates: state.readStates,
      ...(needsSnapshot ? { needsSnapshot } : {}),
    }
    state.lastHard = hard
    state.lastSoft = soft
    state.messages = []
    state.proposals = []
    state.readStates = []
    state.reverted = undefined
    return ready
  }

  advance(): void {
    const state = this.#state
    state.applied = state.delivered
  }

  status(): RaftStatus {
    const state = this.#state
    return new Status(state)
  }
}

/**
 * `RaftCore.status()`: the fields as they are now; the peer map is copied only when read (the
 * driver asks for the status several times per drain and rarely looks at the peers).
 */
class Status implements RaftStatus {
  readonly id: NodeId
  readonly role: RaftStatus['role']
  readonly term: Term
  readonly leader: NodeId | undefined
  readonly commit: LogIndex
  readonly applied: LogIndex
  readonly lastIndex: LogIndex
  readonly firstIndex: LogIndex
  readonly lagging: boolean
  readonly needsSnapshot: RaftStatus['needsSnapshot']
  readonly #peers: ReadonlyMap<NodeId, LeadershipPreference>

  constructor(state: RaftState<unknown>) {
    const soft = state.softState()
    this.id = state.id
    this.role = soft.role
    this.term = soft.term
    this.leader = soft.leader
    this.commit = state.commit
    this.applied = state.applied
    this.lastIndex = state.log.lastIndex
    this.firstIndex = state.log.firstIndex
    this.lagging = state.lagging
    this.needsSnapshot = state.needsSnapshot
    this.#peers = state.peers
  }

  get peers(): ReadonlyMap<NodeId, LeadershipPreference> {
    return new Map(this.#peers)
  }
}

/** The sender's log (or the one it answers about) is not empty: the group has history. */
function showsHistory<C>(message: Message<C>): boolean {
  switch (message.type) {
    case 'appendEntries':
      return message.prevIndex > 0 || message.entries.length > 0 || message.commit > 0
    case 'appendEntriesResponse':
    case 'requestVote':
      return message.lastIndex > 0
    case 'needsSnapshot':
      return message.index > 0
    default:
      return false
  }
}

function sameHard(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.commit === b.commit && a.caughtUp === b.caughtUp
}

function sameSoft(a: SoftState, b: SoftState): boolean {
  return a.role === b.role && a.leader === b.leader && a.term === b.term
}
