import type { LeadershipPreference } from '../raft/types.js'
import type { BondMessage } from './messages.js'

/**
 * What a bonded peer may do is decided by the role it was granted, never by its word:
 * a peer counts as a voter only when it declared `normal`/`reluctant` and, in a group with
 * `writeAuth`, its entry holds valid write tickets. Everything else is an observer.
 */
export function grantedPreference(declared: LeadershipPreference, voter: boolean): LeadershipPreference {
  return voter ? declared : 'observer'
}

/**
 * Frames only a voter may send. Observers never vote, stand, lead (so never send what a
 * leader sends: entries, snapshot demands, answers to forwards and reads), never have a
 * forwarded write applied, and never serve snapshot offers or data, unless `pulledFrom`:
 * this member itself asked the observer for its state (see `Bonds.positionOf`). They may
 * still follow (answer entries), ask for reads and snapshots, and fetch snapshot items.
 */
export function refusedFromObserver(m: BondMessage, pulledFrom = false): string | undefined {
  if (m.type === 'raft') {
    switch (m.m.type) {
      case 'requestVote':
      case 'vote':
      case 'appendEntries':
      case 'needsSnapshot':
      case 'forwardCommand':
      case 'forwardCommandAck':
      case 'readIndexAck':
        return `an observer may not send ${m.m.type}`
      default:
        return undefined
    }
  }
  if (m.type === 'sync' && (m.m.type === 'offer' || m.m.type === 'data') && !pulledFrom)
    return `an observer may not serve a snapshot (${m.m.type})`
  return undefined
}
