import type { PeerId } from '../../core/id.js'
import type { GroupTelemetry } from '../../core/telemetry.js'
import type { SyncConfig } from '../config.js'
import type { Timers } from '../timers.js'
import type { SyncMessage } from './messages.js'

/** What snapshot sync needs from the group driver. */
export interface SyncHost {
  readonly local: PeerId
  readonly timers: Timers
  readonly config: SyncConfig
  send(peer: PeerId, message: SyncMessage): boolean
  /** Members with a live bond. */
  bonded(): PeerId[]
  leader(): PeerId | undefined
  /** A peer's sync message was refused (counted as `input.rejected`). */
  refused?(peer: PeerId, detail: string): void
  telemetry(event: Omit<Extract<GroupTelemetry, { type: 'group.sync' }>, 'at' | 'peer' | 'group' | 'type'>): void
}
