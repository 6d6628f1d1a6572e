import { abandonLeadership } from './client.js'
import { follower } from './roles.js'
import { type RaftState, StrictModeViolation } from './state.js'
import type { Entry, LogIndex, Message, NodeId, Term } from './types.js'

type AppendEntries<C> = Extract<Message<C>, { type: 'appendEntries' }>
type NeedsSnapshot<C> = Extract<Message<C>, { type: 'needsSnapshot' }>

/**
 * Step down (or stay down) as follower of `leader` in `term` (Raft §5.1). The election timer
 * restarts only when a leader spoke or we left the leader role: merely learning a higher term from
 * a candidate must not, or a member that keeps standing with a stale log (one that lost its disk,
 * say) would hold every up-to-date member's timer back forever (Raft §5.2 resets on
 * AppendEntries and granted votes only).
 */
export function becomeFollower<C>(state: RaftState<C>, term: Term, leader: NodeId | undefined): void {
  const wasLeader = state.role.role === 'leader'
  abandonLeadership(state)
  state.setTerm(term)
  state.role = follower(leader)
  if (leader !== undefined || wasLeader) state.resetElectionTimer()
}

/**
 * A leader replicates (Raft §5.3). On a match the follower appends, learns the commit and reports
 * the last index known to match. On a gap or conflict it truncates what cannot match, marks itself
 * `lagging` (mosaik: it abstains until caught up) and reports where the leader should resume.
 */
export function handleAppendEntries<C>(state: RaftState<C>, message: AppendEntries<C>): void {
  const role = state.role
  if (role.role !== 'follower') return
  // Strict mode: refuse an append that would cut a committed entry before anything changes,
  // not even who we take for the leader (`truncateLog` checks again as a backstop).
  if (state.strict) refuseCommittedCut(state, message)
  role.leader = message.from
  state.resetElectionTimer()
  const wasLagging = state.lagging
  // A need reported for another leader is stale: this leader will say what it lacks.
  if (state.needsSnapshot && state.needsSnapshot.leader !== message.from) state.needsSnapshot = undefined

  let prev = message.prevIndex
  let prevTerm = message.prevTerm
  let prevLeader = message.prevLeader
  let entries = message.entries
  const heartbeat = entries.length === 0
  const log = state.log

  // Entries at or below our snapshot point are applied already: skip to the snapshot point.
  if (prev < log.snapshotIndex) {
    const atSnapshot = entries.find((e) => e.index === log.snapshotIndex)
    if (atSnapshot) {
      prev = atSnapshot.index
      prevTerm = atSnapshot.term
      prevLeader = atSnapshot.leader
      entries = entries.filter((e) => e.index > log.snapshotIndex)
    } else if (heartbeat && !state.strict && stale(message, log.snapshotTerm, log.snapshotLeader)) {
      // The leader's whole log ends below our snapshot, which holds entries no leader will keep:
      // they were committed in a partition and lost (default mode). Only a snapshot can fix it.
      needSnapshotFrom(state, message, prev, prevTerm)
      return
    } else {
      respond(state, message, true, prev + entries.length)
      return
    }
  }

  if (!log.matches(prev, prevTerm, prevLeader)) {
    state.lagging = true
    if (prev > log.lastIndex) {
      respond(state, message, false, log.lastIndex)
      return
    }
    if (prev === log.snapshotIndex) {
      // Our snapshot point itself conflicts (default mode after a partition): re-sync state.
      needSnapshotFrom(state, message, prev, prevTerm)
      return
    }
    respond(state, message, false, backUp(state, prev))
    return
  }

  state.lagging = false
  state.needsSnapshot = undefined
  appendNew(state, entries)
  const lastNew = prev + entries.length
  if (heartbeat) dropStaleTail(state, prev, message)
  state.advanceCommit(Math.min(message.commit, lastNew))
  // Our log now matches this leader's up to its announced commit: we hold every entry it knew
  // committed, and may vote for candidates with history from now on (state.ts `caughtUp`).
  if (lastNew >= message.commit) state.caughtUp = true
  // A quiet commit notice that matched tells the leader nothing it does not know: no answer.
  if (message.quiet && heartbeat && !wasLagging) return
  respond(state, message, true, lastNew)
}

/**
 * Throws `StrictModeViolation` when `message` would truncate an entry at or below our commit:
 * a conflicting entry, a conflict at `prevIndex`, or a heartbeat's stale tail (the three places
 * `handleAppendEntries` truncates).
 */
function refuseCommittedCut<C>(state: RaftState<C>, message: AppendEntries<C>): void {
  const log = state.log
  const committed = (i: LogIndex) => i > log.snapshotIndex && i <= state.commit && i <= log.lastIndex
  for (const e of message.entries)
    if (committed(e.index) && !log.matches(e.index, e.term, e.leader))
      throw new StrictModeViolation(state.id, e.index, state.commit)
  const prev = message.prevIndex
  if (committed(prev) && !log.matches(prev, message.prevTerm, message.prevLeader))
    throw new StrictModeViolation(state.id, prev, state.commit)
  const next = log.at(prev + 1)
  if (message.entries.length === 0 && next && committed(prev + 1) && stale(message, next.term, next.leader))
    throw new StrictModeViolation(state.id, prev + 1, state.commit)
}

/** The leader compacted what we need: remember it for the driver's snapshot sync. */
export function handleNeedsSnapshot<C>(state: RaftState<C>, message: NeedsSnapshot<C>): void {
  const role = state.role
  if (role.role !== 'follower') return
  role.leader = message.from
  state.resetElectionTimer()
  // Sent before we installed a snapshot at or past that point: stale, the leader's next append
  // says what is still missing.
  if (message.index <= state.log.snapshotIndex) return
  state.lagging = true
  noteSnapshotNeed(state, message.from, message.index, message.snapshotTerm)
}

/** Report a need once per leader and point; a new leader or a later point is reported again. */
function noteSnapshotNeed<C>(state: RaftState<C>, leader: NodeId, index: LogIndex, term: Term): void {
  const known = state.needsSnapshot
  if (known && known.leader === leader && known.index >= index) return
  state.needsSnapshot = { leader, index, term }
  state.needsSnapshotReported = false
}

function needSnapshotFrom<C>(state: RaftState<C>, message: AppendEntries<C>, index: LogIndex, term: Term): void {
  state.lagging = true
  noteSnapshotNeed(state, message.from, index, term)
  respond(state, message, false, state.log.snapshotIndex)
}

/**
 * Conflict at `prev`: that entry and everything after it are not the leader's, so drop them (in
 * default mode this may revert committed entries). Resume before the first entry of the
 * conflicting term, so the leader skips a whole term per round trip.
 */
function backUp<C>(state: RaftState<C>, prev: LogIndex): LogIndex {
  const log = state.log
  const conflictTerm = log.termAt(prev)
  state.truncateLog(prev)
  let hint = prev - 1
  while (hint > log.snapshotIndex && log.termAt(hint) === conflictTerm) hint--
  return hint
}

/** Append what we lack; a conflicting entry cuts our log there (Raft §5.3 step 3). */
function appendNew<C>(state: RaftState<C>, entries: readonly Entry<C>[]): void {
  const log = state.log
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    if (!entry) break
    const existing = log.at(entry.index)
    if (existing && log.matches(entry.index, entry.term, entry.leader)) continue
    if (existing) state.truncateLog(entry.index)
    log.append(entries.slice(i))
    return
  }
}

/**
 * A heartbeat's `prevIndex` is the leader's last index. Entries past it from an older term, or from
 * a rival leader of the same term (its last entry is of this term but tagged otherwise), are in no
 * leader's future and would block convergence after a partition heals, so drop them. This
 * leader's own entries may be newer than a reordered heartbeat: keep those.
 */
function dropStaleTail<C>(state: RaftState<C>, prev: LogIndex, message: AppendEntries<C>): void {
  const next = state.log.at(prev + 1)
  if (next && stale(message, next.term, next.leader)) state.truncateLog(prev + 1)
}

/** An entry past this heartbeat's leader's last index that no current or future leader holds. */
function stale<C>(message: AppendEntries<C>, term: Term, leader: string | undefined): boolean {
  if (term < message.term) return true
  const ownTag = message.prevTerm === message.term ? message.prevLeader : undefined
  return term === message.term && ownTag !== undefined && leader !== undefined && leader !== ownTag
}

function respond<C>(state: RaftState<C>, message: AppendEntries<C>, success: boolean, lastIndex: LogIndex): void {
  state.send({
    type: 'appendEntriesResponse',
    term: state.term,
    from: state.id,
    to: message.from,
    success,
    lastIndex,
    lagging: !success,
    ...(message.probe === undefined ? {} : { probe: message.probe }),
  })
}
