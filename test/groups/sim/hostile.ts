import type { Message, RaftCore } from '../../../src/groups/raft/index.js'

/** The command a forged entry carries: it must never be committed or applied anywhere. */
export const FORGED = 'FORGED'

/**
 * A hostile append (issue #12): an AppendEntries that claims to come from `member`'s current
 * leader, in its current term, matching its log just below its commit and then replacing the
 * committed entry at the commit index with a foreign one. Strict mode must refuse it before
 * changing anything; a core that truncated first would commit and apply `FORGED` where every
 * other replica applied the real entry, which the invariants catch (commit moving back,
 * state-machine safety). Undefined when `member` follows no leader or committed too little.
 */
export function forgeAppend(id: string, raft: RaftCore<string>): Message<string> | undefined {
  const s = raft.status()
  const at = s.commit
  if (s.role !== 'follower' || s.leader === undefined || at < 2 || at - 1 < s.firstIndex) return undefined
  const prev = raft.entries(at - 1, at - 1)[0]
  if (!prev) return undefined
  return {
    type: 'appendEntries',
    from: s.leader,
    to: id,
    term: s.term,
    prevIndex: at - 1,
    prevTerm: prev.term,
    ...(prev.leader === undefined ? {} : { prevLeader: prev.leader }),
    commit: at,
    entries: [{ index: at, term: s.term, leader: 'forger', command: FORGED }],
  }
}
