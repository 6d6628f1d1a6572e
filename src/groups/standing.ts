import type { PeerId } from '../core/id.js'
import type { PeerStage, Surroundings } from '../network/types.js'
import type { LeadershipPreference, Role } from './raft/types.js'

/**
 * What a member that holds no office knows when it asks "may I stand now, alone?". All of it
 * comes from the driver: its core (`role`, `leader`, `bonded`), discovery (`members`, and
 * `surroundings`: connected peers and how far discovery got with each, bootstrap dials in
 * flight) and its own clock (`waitedMs` of each connected peer).
 */
export interface StandingInput {
  readonly preference: LeadershipPreference
  readonly role: Role
  /** The leader this member follows, if any. */
  readonly leader: PeerId | undefined
  /** Bonded members and their preferences (the core's committee). */
  readonly bonded: ReadonlyMap<PeerId, LeadershipPreference>
  /** Peers discovery lists as members of the group (their entries may be stale). */
  readonly members: readonly PeerId[]
  readonly surroundings: Surroundings
  /**
   * How long a connected peer may stay unidentified (we do not know yet whether it speaks the
   * catalog protocol) before it is taken for a peer that is not mosaik's, ms.
   */
  readonly identifyBoundMs: number
}

/**
 * - `stand`: this member is the only possible leader; stand now (skip the bootstrap delay and
 *   the election timeout).
 * - `wait`: it may be alone but has not heard from everyone it can see yet; ask again on the
 *   next discovery, connection or bond event, or after `recheckInMs`.
 * - `timer`: it is not alone, or cannot find out; the normal (randomized) election timer elects.
 */
export type Standing =
  | { readonly decision: 'stand' }
  | {
      readonly decision: 'wait'
      readonly reason: string
      readonly recheckInMs?: number
      /** Waiting on a peer discovery has not swapped catalogs with since the join: ask for it. */
      readonly hear?: boolean
    }
  | { readonly decision: 'timer'; readonly reason: string }

/**
 * The lone-writer shortcut (issue #16). A member counts as alone only when it has heard from
 * everyone it can see: no bootstrap dial is in flight; every connected peer either does not
 * speak the catalog protocol (or did not identify within `identifyBoundMs`) or answered a
 * catalog exchange this member started after it joined the group; every member discovery
 * lists is bonded; and every bonded member is an observer. Anything else waits or leaves it to
 * the election timer.
 *
 * Why "an exchange started after joining": each side of an exchange signs its entry (with the
 * groups it is in) when it sends it, and answers only after the request arrived. If A and B
 * both joined and both heard "not a member" from the other in exchanges they started after
 * joining, B joined after answering A (so after A joined) and A after answering B: impossible.
 * So of two members that can reach each other at most one stands alone, and the other waits
 * for its bond and follows it. A relay that ingests an entry before it answers (the exchange's
 * serve side does) gives the same guarantee to two members that only share the relay.
 */
export function standing(input: StandingInput): Standing {
  if (input.preference === 'observer') return { decision: 'timer', reason: 'an observer never stands' }
  if (input.role !== 'follower' || input.leader !== undefined) return { decision: 'timer', reason: 'in office or led' }
  for (const [peer, preference] of input.bonded)
    if (preference !== 'observer') return { decision: 'timer', reason: `${peer} may lead too` }
  for (const peer of input.members)
    if (!input.bonded.has(peer)) return { decision: 'wait', reason: `member ${peer} is not bonded yet` }
  const { surroundings: around } = input
  if (around.dialing > 0) return { decision: 'wait', reason: `${around.dialing} bootstrap dial(s) in flight` }
  let recheckInMs: number | undefined
  for (const p of around.peers) {
    const verdict = peerVerdict(p.stage, p.waitedMs, input.identifyBoundMs)
    if (verdict === 'timer') return { decision: 'timer', reason: `no catalog from ${p.peer}` }
    if (verdict === 'ignore') continue
    if (verdict === 'wait') return { decision: 'wait', reason: `${p.peer} is ${p.stage}`, hear: true }
    recheckInMs = Math.min(recheckInMs ?? verdict, verdict)
  }
  if (recheckInMs !== undefined) return { decision: 'wait', reason: 'a peer is identifying', recheckInMs }
  return { decision: 'stand' }
}

/** A number: wait at most that many ms more (an unidentified peer). */
function peerVerdict(stage: PeerStage, waitedMs: number, boundMs: number): 'ignore' | 'wait' | 'timer' | number {
  switch (stage) {
    case 'foreign':
    case 'heard':
      return 'ignore'
    case 'identifying':
      return waitedMs >= boundMs ? 'ignore' : Math.max(1, boundMs - waitedMs)
    case 'exchanging':
      // The exchange is bounded: it ends `heard` or `unheard`, each an event.
      return 'wait'
    case 'unheard':
      return 'timer'
  }
}

/** What `holdsBack` needs: the member's term, how long ago it joined, discovery and bonds. */
export interface HoldInput {
  readonly preference: LeadershipPreference
  /** 0 until the member heard of any term: it never followed, voted or led. */
  readonly term: number
  readonly joinedForMs: number
  /** How long a fresh member may hold back at most (the driver: bootstrap delay + 2 election timeouts). */
  readonly holdMs: number
  readonly bonded: ReadonlyMap<PeerId, LeadershipPreference>
  readonly members: readonly PeerId[]
}

/**
 * Whether a fresh member (term 0) keeps out of elections for now: discovery lists a member it
 * has no bond with yet, and it joined less than `holdMs` ago. Its election timer would otherwise
 * elect it alone (default mode counts only the members it can reach) beside a leader it can
 * see but not reach yet, say while a WebRTC connection takes seconds, and the merge would
 * revert it. Once bonded it hears the leader's term and follows; past `holdMs` it takes part
 * anyway (availability first: the member may really be cut off).
 */
export function holdsBack(input: HoldInput): boolean {
  if (input.preference === 'observer' || input.term > 0 || input.joinedForMs >= input.holdMs) return false
  return input.members.some((peer) => !input.bonded.has(peer))
}
