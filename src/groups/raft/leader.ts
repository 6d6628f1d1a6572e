import { quorumIndex } from './quorum.js'
import { completeReads } from './reads.js'
import type { Leader } from './roles.js'
import type { RaftState } from './state.js'
import type { Entry, LogIndex, Message, NodeId } from './types.js'

type AppendEntriesResponse<C> = Extract<Message<C>, { type: 'appendEntriesResponse' }>

/** Take office (Raft §5.2). The optional no-op opens the term so earlier entries can commit (§5.4.2). */
export function becomeLeader<C>(state: RaftState<C>): void {
  state.lagging = false
  state.needsSnapshot = undefined
  // Leader Completeness (Raft §5.4): a leader holds every committed entry.
  state.caughtUp = true
  state.role = {
    role: 'leader',
    acks: new Map(),
    abstaining: new Set(),
    catchingUp: new Set(),
    broadcastIndex: state.log.lastIndex,
    heartbeatElapsed: 0,
    recentActive: new Set(),
    checkElapsed: 0,
    heartbeatDue: true,
    answerDue: true,
    commitNoticeDue: false,
    awaited: [],
    toldCommit: state.commit,
    probe: 0,
    probeAcks: new Map(),
    reads: [],
  }
  if (state.options.noop !== undefined) appendCommands(state, [state.options.noop], true)
  maybeCommit(state)
}

/** Append commands at the tail of our log; they ride the next batched AppendEntries. */
export function appendCommands<C>(state: RaftState<C>, commands: readonly C[], noop = false): LogIndex[] {
  const first = state.log.lastIndex + 1
  const entries: Entry<C>[] = commands.map((command, i) => ({
    term: state.term,
    index: first + i,
    command,
    leader: state.tag,
    ...(noop ? { noop: true as const } : {}),
  }))
  state.log.append(entries)
  maybeCommit(state)
  return entries.map((e) => e.index)
}

/**
 * Advance the commit index to the highest index a quorum of the committee acknowledged, but only
 * by counting an entry of this term (Raft §5.4.2): older entries commit with it.
 */
export function maybeCommit<C>(state: RaftState<C>): void {
  const role = state.role
  if (role.role !== 'leader') return
  const members = state.committee(role.abstaining)
  const acks = members.map((id) => (id === state.id ? state.log.lastIndex : (role.acks.get(id) ?? 0)))
  const index = quorumIndex(acks, state.quorum(members.length))
  if (index > state.commit && state.log.termAt(index) === state.term && state.advanceCommit(index)) {
    // mosaik sends the new commit at once so followers apply promptly; a deferring driver
    // announces it later, and any AppendEntries before that carries it.
    if (state.config.deferCommitNotice) role.commitNoticeDue = true
    else role.heartbeatDue = true
  }
  completeReads(state, role)
}

/**
 * A follower answered. Success: it matches up to `lastIndex` and votes in the committee again.
 * Lagging: it abstains and says where to resume; the leader backs up to that point (or asks for
 * snapshot sync when it compacted those entries), with no per-follower nextIndex kept.
 */
export function handleAppendResponse<C>(state: RaftState<C>, message: AppendEntriesResponse<C>): void {
  const role = state.role
  if (role.role !== 'leader') return
  const preference = state.peers.get(message.from)
  if (preference === undefined) return
  // Any answer of this term, even `lagging`, shows the member still takes us as its leader.
  role.recentActive.add(message.from)
  if (message.probe !== undefined) {
    role.probeAcks.set(message.from, Math.max(role.probeAcks.get(message.from) ?? 0, message.probe))
  }
  const last = state.log.lastIndex
  if (message.success) {
    if (preference !== 'observer') {
      role.abstaining.delete(message.from)
      role.acks.set(message.from, Math.max(role.acks.get(message.from) ?? 0, message.lastIndex))
    }
    if (role.catchingUp.has(message.from)) {
      if (message.lastIndex < last) resumeAt(state, message.from, message.lastIndex)
      else role.catchingUp.delete(message.from)
    }
  } else {
    if (preference !== 'observer') role.abstaining.add(message.from)
    role.acks.delete(message.from)
    role.catchingUp.add(message.from)
    resumeAt(state, message.from, Math.min(message.lastIndex, last))
  }
  maybeCommit(state)
}

/** Send the entries after `index`, or ask for snapshot sync when they were compacted. */
function resumeAt<C>(state: RaftState<C>, to: NodeId, index: LogIndex): void {
  const log = state.log
  if (index >= log.snapshotIndex) {
    sendChunk(state, to, index)
    return
  }
  state.send({
    type: 'needsSnapshot',
    term: state.term,
    from: state.id,
    to,
    index: log.snapshotIndex,
    snapshotTerm: log.snapshotTerm,
  })
}

/**
 * Leader's clock: heartbeats every `heartbeatTicks` (Raft §5.2), and check-quorum every
 * `electionTicks` in strict mode. Returns false when this leader must step down: it has not heard
 * from a quorum within the last election timeout (`quorumActive`).
 */
export function leaderTick<C>(state: RaftState<C>): boolean {
  const role = state.role
  if (role.role !== 'leader') return true
  role.heartbeatElapsed++
  if (role.heartbeatElapsed >= state.config.heartbeatTicks) {
    role.heartbeatDue = true
    role.answerDue = true
  }
  if (!state.strict) return true
  role.checkElapsed++
  if (role.checkElapsed < state.config.electionTicks) return true
  role.checkElapsed = 0
  const active = quorumActive(state, role)
  role.recentActive.clear()
  return active
}

/**
 * Check-quorum (Raft thesis §6.2, etcd's CheckQuorum), strict mode only. A leader cut off from a
 * quorum could never commit or confirm a read again, yet would keep its role and look online until
 * each call timed out, while the majority elects someone else. So once per election timeout it
 * counts the voting members that answered it since the last check; with itself, they must reach
 * the commit quorum of its committee (at least floor(minVoters/2)+1), or it steps down.
 *
 * Default mode has no check. Its quorum is a majority of the members the driver reports bonded,
 * and the bond heartbeats report an unreachable member down (`peerDown`), which shrinks the
 * committee: a leader of a partitioned minority legitimately keeps leading it (mosaik:
 * availability first), and would pass the check anyway. The check could fire only for a member
 * still bonded whose answers are lost, until its bond fails; and a leader that stepped down would
 * stand again and win from the same committee. Safety never depends on the check in either mode:
 * stepping down early only gives up leadership.
 *
 * Followers do not deny votes while they hear from a leader (etcd's lease guard): no read here
 * relies on a lease (strong reads confirm leadership with a probe quorum, reads.ts), so the check
 * needs it for no safety property. A stepped-down leader then stands in its minority and raises
 * its term, as a cut-off follower already did, which may depose the majority's leader once the
 * partition heals; pre-vote (Raft thesis §9.6) would be the cure for that, not a lease.
 */
function quorumActive<C>(state: RaftState<C>, role: Leader): boolean {
  const members = state.committee(role.abstaining)
  // Abstainers are out of the denominator but still count as heard from when they answered.
  const heard = 1 + state.votingPeers().filter((id) => role.recentActive.has(id)).length
  return heard >= state.quorum(members.length)
}

/** Whether `flush` has something to send. */
export function needsFlush<C>(state: RaftState<C>): boolean {
  const role = state.role
  if (role.role !== 'leader') return false
  return state.log.lastIndex > role.broadcastIndex || role.heartbeatDue || role.reads.some((r) => r.probe > role.probe)
}

/**
 * Batching: every entry appended since the last flush goes to every connected member in one
 * AppendEntries (chunked by `maxEntriesPerAppend`), carrying the commit index and the probe.
 */
export function flush<C>(state: RaftState<C>): void {
  const role = state.role
  if (role.role !== 'leader') return
  if (role.reads.some((r) => r.probe > role.probe)) {
    role.probe++
    role.heartbeatDue = true
    role.answerDue = true
  }
  const last = state.log.lastIndex
  if (role.broadcastIndex < state.log.snapshotIndex) role.broadcastIndex = last
  if (last > role.broadcastIndex) {
    for (const to of state.peers.keys()) {
      for (let prev = role.broadcastIndex; prev < last; prev += state.config.maxEntriesPerAppend)
        sendChunk(state, to, prev)
    }
    role.broadcastIndex = last
  } else if (role.heartbeatDue) {
    const quiet = !role.answerDue
    for (const to of state.peers.keys()) sendChunk(state, to, last, quiet)
  } else {
    return
  }
  role.heartbeatDue = false
  role.answerDue = false
  role.commitNoticeDue = false
  role.toldCommit = state.commit
  if (role.awaited.length > 0) role.awaited = role.awaited.filter((i) => i > state.commit)
  role.heartbeatElapsed = 0
}

/**
 * One AppendEntries after `prev` (a heartbeat when `prev` is our last index); `quiet` for a
 * heartbeat that only tells the commit index (see `Message` `quiet`).
 */
export function sendChunk<C>(state: RaftState<C>, to: NodeId, prev: LogIndex, quiet = false): void {
  const role = state.role
  if (role.role !== 'leader') return
  const log = state.log
  const entries = log.slice(prev + 1, Math.min(log.lastIndex, prev + state.config.maxEntriesPerAppend))
  const prevLeader = log.leaderAt(prev)
  state.send({
    type: 'appendEntries',
    term: state.term,
    from: state.id,
    to,
    prevIndex: prev,
    prevTerm: log.termAt(prev) ?? 0,
    entries,
    commit: state.commit,
    ...(prevLeader === undefined ? {} : { prevLeader }),
    ...(role.probe > 0 ? { probe: role.probe } : {}),
    ...(quiet ? { quiet } : {}),
  })
}
