import { abandonLeadership } from './client.js'
import { becomeLeader } from './leader.js'
import type { Candidate } from './roles.js'
import type { RaftState } from './state.js'
import type { Message } from './types.js'

/** Stores that strict mode assumes lost at once among members not caught up again (see `maybeWin`). */
const LOST_STORES = 1

/**
 * Stand for election in the next term (Raft §5.2): vote for ourselves and ask every connected
 * member. The committee is fixed for the round, as in mosaik; observers are not asked because
 * they always abstain.
 */
export function campaign<C>(state: RaftState<C>): void {
  abandonLeadership(state)
  state.term += 1
  state.votedFor = state.id
  state.lagging = false
  const voters = state.votingPeers()
  const role: Candidate = {
    role: 'candidate',
    requested: new Set([state.id, ...voters]),
    granted: new Set([state.id]),
    denied: new Set(),
    abstained: new Set(),
    learners: new Set(),
  }
  state.role = role
  state.resetElectionTimer()
  for (const to of voters) {
    state.send({
      type: 'requestVote',
      term: state.term,
      from: state.id,
      to,
      lastIndex: state.log.lastIndex,
      lastTerm: state.log.lastTerm,
    })
  }
  // A member alone in its committee wins at once (default mode; strict mode needs minVoters).
  maybeWin(state, role)
}

/** Count a vote for the current term (term checks already ran). */
export function handleVote<C>(state: RaftState<C>, message: Extract<Message<C>, { type: 'vote' }>): void {
  const role = state.role
  if (role.role !== 'candidate' || message.term !== state.term) return
  // mosaik ignores unsolicited votes: the committee is the set we asked.
  if (!role.requested.has(message.from)) return
  role.granted.delete(message.from)
  role.denied.delete(message.from)
  role.abstained.delete(message.from)
  role.learners.delete(message.from)
  if (message.vote === 'granted') {
    role.granted.add(message.from)
    if (message.learner) role.learners.add(message.from)
  } else if (message.vote === 'denied') role.denied.add(message.from)
  else role.abstained.add(message.from)
  maybeWin(state, role)
}

/**
 * mosaik's dynamic quorum: abstainers leave the denominator, so a majority of the members that
 * did not abstain wins. Strict mode never accepts fewer than floor(minVoters/2)+1 grants.
 *
 * Strict mode and learners (`vote.learner`, state.ts `caughtUp`): a learner may be a voter that
 * lost its store, whose grant proves nothing about our log. We win when either holds:
 * - more caught-up grants (ourselves included) than caught-up members can lack a committed
 *   entry: a commit quorum holds it, so at most `committee - quorum` of them lack it, and a
 *   holder never grants us without it (3 of 4 voters: 2 caught up and 1 learner win);
 * - a quorum even with `LOST_STORES` learner grants set aside: the other learners are members
 *   that started empty and lost nothing (a new group, a late joiner), whose log checks hold as
 *   anyone's (a learner that holds an entry denies a candidate without it). Without this a
 *   group whose first leader reached one member of five before it crashed stalls forever.
 * So strict mode tolerates one lost store at a time (until its member is caught up again).
 */
function maybeWin<C>(state: RaftState<C>, role: Candidate): void {
  const committee = role.requested.size - role.abstained.size
  const quorum = state.quorum(committee)
  if (role.granted.size < quorum) return
  if (state.strict) {
    const minVoters = state.config.minVoters ?? 0
    const lackAtMost = Math.max(committee - quorum, minVoters - (Math.floor(minVoters / 2) + 1))
    const informed = role.granted.size - role.learners.size > lackAtMost
    if (!informed && role.granted.size - Math.min(role.learners.size, LOST_STORES) < quorum) return
  }
  becomeLeader(state)
}
