import type { PeerId } from '../core/id.js'
import { quorumSize } from './raft/quorum.js'
import type { LeadershipPreference } from './raft/types.js'

/**
 * What one member can see of its group's voters right now: the facts behind "why can't I
 * write?". Plain data, for error messages, cell status and devtools.
 */
export interface Reachability {
  /** The leader this member knows of, if any. */
  readonly leader: PeerId | undefined
  /** The known leader is this member or a bonded peer. */
  readonly leaderReachable: boolean
  /** This member may vote and lead (not an observer). */
  readonly selfVoting: boolean
  /** Voting members reachable now: bonded non-observers, plus this member if it votes. */
  readonly voters: number
  /** Voting members known: the reachable ones plus members discovery lists but no bond reaches (their role unknown). */
  readonly knownVoters: number
  /** Bonded observers (readers): replicate, never vote. */
  readonly observers: number
  /** Granted votes an election or commit needs with the voters reachable now. */
  readonly needed: number
  /** Strict mode (`minVoters > 0`). */
  readonly strict: boolean
  readonly minVoters: number
}

/** Facts a group member holds, in the shapes it holds them. */
export interface ReachabilityInput {
  readonly self: PeerId
  readonly preference: LeadershipPreference
  readonly leader: PeerId | undefined
  /** Bonded peers and their preference. */
  readonly bonded: ReadonlyMap<PeerId, LeadershipPreference>
  /** Peers discovery lists as members of the group (bonded or not). */
  readonly listed: readonly PeerId[]
  readonly minVoters: number
}

/** Counts what `input` can reach. Pure. */
export function reachability(input: ReachabilityInput): Reachability {
  const selfVoting = input.preference !== 'observer'
  let bondedVoters = 0
  let observers = 0
  for (const p of input.bonded.values()) {
    if (p === 'observer') observers++
    else bondedVoters++
  }
  let unbonded = 0
  for (const peer of input.listed) if (peer !== input.self && !input.bonded.has(peer)) unbonded++
  const voters = bondedVoters + (selfVoting ? 1 : 0)
  return {
    leader: input.leader,
    leaderReachable: input.leader !== undefined && (input.leader === input.self || input.bonded.has(input.leader)),
    selfVoting,
    voters,
    knownVoters: voters + unbonded,
    observers,
    needed: quorumSize(Math.max(voters, 1), input.minVoters),
    strict: input.minVoters > 0,
    minVoters: input.minVoters,
  }
}

/** True when no member that could lead is reachable: only readers (or nobody) around a reader. */
export function noWriterReachable(r: Reachability): boolean {
  return !r.leaderReachable && r.voters === 0
}

/**
 * One sentence on why writes cannot commit, e.g. `1 of 3 voters reachable; strict mode
 * needs 2` or `no writer reachable: this peer is a reader and 2 readers are bonded`.
 */
export function describeReachability(r: Reachability): string {
  if (r.leaderReachable) return `leader ${short(r.leader)} is reachable`
  if (noWriterReachable(r)) {
    const bonded = r.observers === 0 ? 'no member is bonded' : `only ${plural(r.observers, 'reader')} bonded`
    const unbonded = r.knownVoters > 0 ? `; ${plural(r.knownVoters, 'listed member')} not reachable` : ''
    return `no writer reachable: this peer is a reader and ${bonded}${unbonded}`
  }
  const total = Math.max(r.knownVoters, r.strict ? r.minVoters : 0)
  const reach = `${r.voters} of ${total} voters reachable`
  if (r.strict) return `${reach}; strict mode needs ${Math.floor(r.minVoters / 2) + 1}`
  return `${reach}; no leader elected yet (an election needs ${r.needed} of the reachable voters)`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function short(peer: PeerId | undefined): string {
  return peer ? peer.slice(-8) : 'none'
}
