import { quorumIndex } from './quorum.js'
import { completeReads } from './reads.js'
import type { RaftState } from './state.js'
import type { Entry, LogIndex, Message, NodeId } from './types.js'

type AppendEntriesResponse<C> = Extract<Message<C>, { type: 'appendEntriesResponse' }>

/** Take office (Raft §5.2). The optional no-op opens the term so earlier entries can commit (§5.4.2). */
export function becomeLeader<C>(state: RaftState<C>): void {
  state.lagging = false
  state.needsSnapshot = undefined
  state.role = {
    role: 'leader',
    acks: new Map(),
    abstaining: new Set(),
    catchingUp: new Set(),
    broadcastIndex: state.log.lastIndex,
    heartbeatElapsed: 0,
    heartbeatDue: true,
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
    // mosaik sends the new commit at once so followers apply promptly.
    role.heartbeatDue = true
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

/** Leader's clock: heartbeats every `heartbeatTicks` (Raft §5.2). */
export function leaderTick<C>(state: RaftState<C>): void {
  const role = state.role
  if (role.role !== 'leader') return
  role.heartbeatElapsed++
  if (role.heartbeatElapsed >= state.config.heartbeatTicks) role.heartbeatDue = true
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
    for (const to of state.peers.keys()) sendChunk(state, to, last)
  } else {
    return
  }
  role.heartbeatDue = false
  role.heartbeatElapsed = 0
}

/** One AppendEntries after `prev` (a heartbeat when `prev` is our last index). */
export function sendChunk<C>(state: RaftState<C>, to: NodeId, prev: LogIndex): void {
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
  })
}
