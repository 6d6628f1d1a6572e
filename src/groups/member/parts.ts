import type { PeerId, UniqueId } from '../../core/id.js'
import type { NetworkServices } from '../../network/types.js'
import type { Applier } from '../applier.js'
import type { Bonds } from '../bond/bonds.js'
import type { Client } from '../client.js'
import type { ConsensusConfig, SyncConfig } from '../config.js'
import type { LogCommand } from '../log-command.js'
import type { Pending } from '../pending.js'
import type { LeadershipPreference, RaftCore } from '../raft/types.js'
import type { Storage } from '../storage.js'
import type { SnapshotSync } from '../sync/coordinator.js'
import type { Timers } from '../timers.js'
import type { StateMachine } from '../types.js'
import type { MemberTelemetry } from './telemetry.js'

/**
 * The parts of one group member that its rooms (`ready-loop`, `effects`, `election`,
 * `catch-up`, `snapshots`, `state-publisher`, `bonding`) share. `GroupMember` builds them
 * and hands every room this one view. A room calls another through the methods below
 * (`GroupMember` forwards each to the room that owns it), or takes the sibling it needs in
 * its constructor; the imports between rooms form no circle (test/architecture.test.ts).
 */
export interface MemberParts {
  readonly id: UniqueId
  readonly peerId: PeerId
  readonly net: NetworkServices
  readonly sm: StateMachine<unknown, unknown, unknown, unknown>
  readonly consensus: Readonly<ConsensusConfig>
  readonly syncConfig: Readonly<SyncConfig>
  /** Every timer of the member, on its (injectable) clock. */
  readonly timers: Timers
  /** The pure Raft core (`groups/raft/`). */
  readonly core: RaftCore<LogCommand>
  readonly storage: Storage
  readonly telemetry: MemberTelemetry
  readonly applier: Applier<unknown>
  readonly pending: Pending
  readonly client: Client
  readonly bonds: Bonds
  readonly sync: SnapshotSync
  /** What this member's own tickets grant of the preference the app declared. */
  readonly preference: LeadershipPreference
  /** True once `leave()` ran: every room stops acting. */
  readonly closed: boolean
  /** Ready loop: run an input against the core and schedule a drain. */
  input(fn: () => void): void
  /** State publisher: recompute the member's state and tell subscribers if it changed. */
  publish(): void
  /** Election: decide whether this member stands alone now. */
  electIfAlone(): void
  /** Catch-up: a new leader that meets a member ahead of it steps down and pulls first. */
  catchUpIfNewLeader(): void
  /**
   * Sets the preference the core runs with again: `preference`, or `observer` (neither stands
   * nor votes) while a catch-up runs, a fresh member is held back (`holdsBack`), or the state
   * machine's state must be replaced (`Snapshots.keepsOut`). Each of those calls it when it
   * starts or ends.
   */
  refreshPreference(): void
}

/** True when the state machine can make and install snapshots (`catchUp` by snapshot sync is possible). */
export function canSnapshot(sm: StateMachine<unknown, unknown, unknown, unknown>): boolean {
  return sm.createSnapshot !== undefined && sm.installSnapshot !== undefined
}
