import { toId } from '../../core/id.js'
import { Bonds } from '../bond/bonds.js'
import type { TicketGate } from '../ticket-gate.js'
import type { JoinOptions } from '../types.js'
import type { Election } from './election.js'
import type { MemberParts } from './parts.js'
import type { ReadyLoop } from './ready-loop.js'

/**
 * The member's bonds (`groups/bond/`), wired to its rooms: a peer that comes up or goes down
 * is an input to the core, to snapshot sync and to the election; a message goes to the Ready
 * loop.
 */
export function memberBonds(
  m: MemberParts,
  key: JoinOptions<unknown, unknown, unknown, unknown>['key'],
  gate: TicketGate,
  rooms: { readonly election: Election; readonly loop: ReadyLoop },
): Bonds {
  const { election, loop } = rooms
  const c = m.consensus
  return new Bonds({
    network: m.net,
    groupId: m.id,
    keyHash: toId(key).hashed(),
    preference: m.preference,
    timers: m.timers,
    heartbeat: {
      intervalMs: c.heartbeatInterval,
      jitterMs: Math.min(150, c.heartbeatInterval * 0.3),
      maxMissed: c.maxMissedHeartbeats,
    },
    handshakeTimeoutMs: Math.max(2_000, c.electionTimeout),
    peerUp: (peer, pref) => {
      // A new leader that meets a member ahead of it steps down before it replicates to it.
      m.catchUpIfNewLeader()
      loop.input(() => m.core.peerUp(peer, pref))
      m.sync.peerUp(peer)
      election.electIfAlone()
    },
    position: () => m.applier.applied,
    positionChanged: () => m.catchUpIfNewLeader(),
    peerDown: (peer, departed) => {
      m.sync.peerDown(peer)
      const wasLeader = m.core.status().leader === peer
      loop.input(() => m.core.peerDown(peer))
      if (departed && wasLeader) election.leaderDeparted()
      else election.electIfAlone()
    },
    message: (peer, msg) => loop.message(peer, msg),
    telemetry: (e) => m.telemetry.emit(e),
    gate,
    peerRefused: () => election.electIfAlone(),
    pullingFrom: (peer) => m.sync.pullingFrom(peer),
  })
}
