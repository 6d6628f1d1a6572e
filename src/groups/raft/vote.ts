import type { RaftState } from './state.js'
import type { Message, VoteResult } from './types.js'

type RequestVote<C> = Extract<Message<C>, { type: 'requestVote' }>

/**
 * Answer a `requestVote` in any role (term checks already ran, so `request.term <= state.term`
 * and equal terms mean the same election).
 *
 * - Denied: stale term, already voted for someone else this term, or the candidate's log is
 *   behind ours (Raft §5.4.1 election restriction).
 * - Abstained (mosaik): we are an observer, or, in default mode, our log is behind the
 *   candidate's, so we leave the denominator instead of blocking or inflating it. Abstaining
 *   still uses up our vote for the term, so no member answers two candidates favourably.
 * - Granted otherwise. Strict mode grants to a candidate ahead of us as plain Raft does, because
 *   an abstention cannot help reach its fixed quorum; a member not caught up yet marks its grant
 *   `learner` when the candidate has history (neither denying nor abstaining: a group with as
 *   many fresh members as it may lose would stall, 3 of 4 voters with 2 fresh, say).
 */
export function handleRequestVote<C>(state: RaftState<C>, request: RequestVote<C>): void {
  const vote = decide(state, request)
  if (vote !== 'denied') {
    state.votedFor = request.from
    // Raft §5.2: granting a vote resets the election timer.
    if (state.role.role === 'follower') state.resetElectionTimer()
  }
  // Strict mode: a member not yet caught up cannot judge a group with history (state.ts
  // `caughtUp`); its grant says so, and counts only beside enough caught-up grants (candidate.ts).
  const learner = vote === 'granted' && state.strict && !state.caughtUp && (request.lastIndex > 0 || state.historySeen)
  state.send({
    type: 'vote',
    term: state.term,
    from: state.id,
    to: request.from,
    vote,
    ...(learner ? { learner } : {}),
  })
}

function decide<C>(state: RaftState<C>, request: RequestVote<C>): VoteResult {
  if (request.term < state.term) return 'denied'
  if (state.votedFor !== undefined && state.votedFor !== request.from) return 'denied'
  const ours = { term: state.log.lastTerm, index: state.log.lastIndex }
  const theirs = { term: request.lastTerm, index: request.lastIndex }
  if (behind(theirs, ours)) return 'denied'
  if (state.config.preference === 'observer') return 'abstained'
  if (!state.strict && behind(ours, theirs)) return 'abstained'
  return 'granted'
}

/** `a` is less up to date than `b` (Raft §5.4.1: compare last terms, then lengths). */
function behind(a: { term: number; index: number }, b: { term: number; index: number }): boolean {
  return a.term < b.term || (a.term === b.term && a.index < b.index)
}

/**
 * Whether this member may stand for election. In strict mode one that is not caught up stands
 * only with an empty log while no peer showed history (a new group); with a partial catch-up, or
 * in a group with history, it may lack committed entries while the members it asks lack them too
 * (`RaftState.caughtUp`, `historySeen`).
 */
export function mayStand<C>(state: RaftState<C>): boolean {
  return !state.strict || state.caughtUp || (state.log.lastIndex === 0 && !state.historySeen)
}
