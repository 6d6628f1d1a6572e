import { type Leader, noteAwaited } from './roles.js'
import type { RaftState } from './state.js'
import type { NodeId, RequestId, Unanswered } from './types.js'

/**
 * Register a strong read on the leader (Raft §8, ReadIndex). It completes once (1) an entry of
 * this term is committed, so our commit index covers everything committed before, and (2) a
 * quorum of the committee echoed a probe sent after the read arrived, so we were still leader.
 * The read point is the commit index at completion.
 */
export function registerRead<C>(state: RaftState<C>, from: NodeId | undefined, requestId: RequestId): void {
  const role = state.role
  if (role.role !== 'leader') return
  role.reads.push({ from, requestId, probe: role.probe + 1, ticksLeft: readTimeout(state) })
  completeReads(state, role)
}

export function completeReads<C>(state: RaftState<C>, role: Leader): void {
  if (role.reads.length === 0 || state.log.termAt(state.commit) !== state.term) return
  const voters = state.committee(role.abstaining)
  const quorum = state.quorum(voters.length)
  const waiting = role.reads.filter((read) => {
    const echoes = voters.filter((id) => id === state.id || (role.probeAcks.get(id) ?? 0) >= read.probe).length
    if (echoes < quorum) return true
    answer(state, read.from, read.requestId, state.commit, undefined)
    // A follower's read waits until that follower applied the read point.
    if (read.from !== undefined) noteAwaited(role, state.commit)
    return false
  })
  role.reads.splice(0, role.reads.length, ...waiting)
}

/** Reads that waited too long fail: a leader cut off from its quorum cannot serve them. */
export function expireReads<C>(state: RaftState<C>): void {
  const role = state.role
  if (role.role !== 'leader') return
  const waiting = role.reads.filter((read) => {
    read.ticksLeft--
    if (read.ticksLeft > 0) return true
    answer(state, read.from, read.requestId, undefined, 'timeout')
    return false
  })
  role.reads.splice(0, role.reads.length, ...waiting)
}

/** Every pending read fails when the leader steps down. */
export function failReads<C>(state: RaftState<C>, role: Leader): void {
  for (const read of role.reads) answer(state, read.from, read.requestId, undefined, 'steppedDown')
  role.reads.length = 0
}

export function answer<C>(
  state: RaftState<C>,
  from: NodeId | undefined,
  requestId: RequestId,
  index: number | undefined,
  reason: Unanswered | undefined,
): void {
  if (from === undefined) {
    state.readStates.push({ requestId, index, ...(reason ? { reason } : {}) })
  } else {
    state.send({ type: 'readIndexAck', term: state.term, from: state.id, to: from, requestId, index })
  }
}

/** How long a member waits for a leader's answer before giving up (ticks). */
export function readTimeout<C>(state: RaftState<C>): number {
  return 2 * (state.config.electionTicks + state.config.electionJitterTicks)
}
