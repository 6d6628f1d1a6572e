import type { Clock } from '../../core/clock.js'
import type { RejectReason } from '../../core/errors.js'
import type { PeerId, UniqueId } from '../../core/id.js'
import type { GroupTelemetry } from '../../core/telemetry.js'
import { storeLabel } from '../../discovery/store-labels.js'
import type { NetworkServices } from '../../network/types.js'
import { GROUPS_PROTOCOL } from '../bond/bonds.js'
import type { ConsensusConfig, SyncConfig } from '../config.js'
import { consensusDigest, syncSignature } from '../group-id.js'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** A group event before the member stamps it with the time, its peer id and its group. */
export type TelemetryBody = DistributiveOmit<GroupTelemetry, 'at' | 'peer' | 'group'>

/** What a member labels itself with: names devtools and discovery show. */
export interface MemberLabels {
  readonly store?: string
  readonly kind?: string
}

/**
 * A member's telemetry: stamps its events (`at` from the member's clock, so a simulated
 * member's events carry simulated time) and names it for devtools and discovery.
 */
export class MemberTelemetry {
  readonly #net: NetworkServices
  readonly #peerId: PeerId
  readonly #group: UniqueId
  readonly #clock: Clock
  readonly #labels: MemberLabels | undefined
  readonly #signatures: { typeName: string; sync: Readonly<SyncConfig>; consensus: Readonly<ConsensusConfig> }

  constructor(
    net: NetworkServices,
    group: UniqueId,
    clock: Clock,
    labels: MemberLabels | undefined,
    signatures: { typeName: string; sync: Readonly<SyncConfig>; consensus: Readonly<ConsensusConfig> },
  ) {
    this.#net = net
    this.#peerId = net.peerId
    this.#group = group
    this.#clock = clock
    this.#labels = labels
    this.#signatures = signatures
  }

  /** The time events are stamped with: the member's clock. */
  now(): number {
    return this.#clock.now()
  }

  emit(e: TelemetryBody): void {
    // Nobody listens (no devtools): an event per apply and state change would be built for nothing.
    if (this.#net.telemetryWatched === false) return
    this.#net.emitTelemetry({
      ...e,
      at: this.#clock.now(),
      peer: this.#peerId,
      group: this.#group.toString(),
    } as GroupTelemetry)
  }

  /** Counts a peer's message refused above the channel (the bond stays). */
  refused(peer: PeerId, reason: RejectReason, detail: string): void {
    this.#net.emitTelemetry({
      type: 'input.rejected',
      at: this.#clock.now(),
      peer: this.#peerId,
      remote: peer,
      protocol: this.#net.protocol(GROUPS_PROTOCOL),
      reason,
      detail,
    })
  }

  /** The labels `group.joined` carries. */
  labelFields(): { store?: string; kind?: string } {
    return {
      ...(this.#labels?.store ? { store: this.#labels.store } : {}),
      ...(this.#labels?.kind ? { kind: this.#labels.kind } : {}),
    }
  }

  /** A collection's store label for discovery: lets peers name the option they differ in. */
  storeLabel(): string | undefined {
    const store = this.#labels?.store
    if (!store) return undefined
    const s = this.#signatures
    return storeLabel({
      store,
      group: this.#group.toString(),
      typeName: s.typeName,
      sync: syncSignature(s.sync).toString(),
      consensus: consensusDigest(s.consensus).toString(),
    })
  }
}
