import type { LogIndex } from './types.js'

/**
 * How many granted votes (or acknowledgements) win, given the voting committee size.
 *
 * Default mode (mosaik): a majority of the committee, whatever its size: the committee is the
 * voting, connected members that did not abstain, so a partitioned minority can win.
 * Strict mode (`minVoters > 0`): never fewer than floor(minVoters/2)+1, so two disjoint groups
 * can never both win; a minority stalls.
 */
export function quorumSize(committee: number, minVoters: number | undefined): number {
  const dynamic = Math.floor(committee / 2) + 1
  if (!minVoters) return dynamic
  return Math.max(dynamic, Math.floor(minVoters / 2) + 1)
}

/**
 * The highest index acknowledged by at least `quorum` members, or 0 when fewer members answered.
 * `acks` holds one last-matching index per committee member (the leader included).
 */
export function quorumIndex(acks: readonly LogIndex[], quorum: number): LogIndex {
  if (quorum <= 0 || acks.length < quorum) return 0
  const sorted = [...acks].sort((a, b) => b - a)
  return sorted[quorum - 1] ?? 0
}
