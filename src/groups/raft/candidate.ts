import { abandonLeadership } from './client.js'
import { becomeLeader } from './leader.js'
import type { Candidate } from './roles.js'
import type { RaftState } from './state.js'
import type { Message } from './types.js'

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
 * Strict mode and learners (`vote.learner`, state.ts `caughtUp`): a learner cannot tell whether
 * we lack committed entries, so its grant proves nothing about our log. Every committed entry is
 * held by a commit quorum, so at most `committee - quorum` caught-up members lack it, and none
 * that holds it grants us without it: with more caught-up grants than that (ourselves included)
 * we hold every committed entry, whatever the learners said. The learners then only fill the
 * quorum (3 of 4 voters: 2 caught up and 1 learner win; 2 of 3: learners never help).
 */
function maybeWin<C>(state: RaftState<C>, role: Candidate): void {
  const committee = role.requested.size - role.abstained.size
  const quorum = state.quorum(committee)
  if (role.granted.size < quorum) return
  if (state.strict) {
    const minVoters = state.config.minVoters ?? 0
    const lackAtMost = Math.max(committee - quorum, minVoters - (Math.floor(minVoters / 2) + 1))
    if (role.granted.size - role.learners.size <= lackAtMost) return
  }
  becomeLeader(state)
}
