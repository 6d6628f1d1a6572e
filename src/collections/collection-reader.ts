import { CellError, type RejectReason } from '../core/errors.js'
import { type GroupId, type StoreId, UniqueId, type Version } from '../core/id.js'
import { checkTimeout } from '../groups/client.js'
import type { Network } from '../network/network.js'
import { DEFAULT_WRITE_TIMEOUT } from './cell-reader.js'
import { networkDown } from './cell-when.js'
import type { CollectionKind, CollectionMachine, CollectionRejection } from './collection-machine.js'
import type { CollectionOptionsBase, CollectionReader, CollectionSnapshot } from './collection-types.js'
import { openReplica } from './join.js'
import { ReplicaHandle } from './replica-handle.js'

const REJECT_REASON: Record<CollectionRejection['kind'], RejectReason> = {
  encoding: 'malformed',
  malformed: 'malformed',
  invalid: 'invalid-value',
}

/** Machines whose refusals are already reported; handles sharing a replica report them once. */
const reporting = new WeakSet<object>()

/**
 * The read side of any collection other than Cell, and the base of its writer: opens
 * (or shares) the replica and reports its refusals and size; the snapshot, the bounded
 * commands and closing are `ReplicaHandle`'s. Each collection's file adds its reads and its
 * snapshot fields (`snapshotFields`).
 */
export abstract class CollectionReaderHandle<C, I, M extends CollectionMachine<C, I>, S extends CollectionSnapshot>
  extends ReplicaHandle<C, S>
  implements CollectionReader<S>
{
  readonly kind: CollectionKind
  protected readonly machine: M
  #snapshotGeneration = -1

  constructor(
    kind: CollectionKind,
    network: Network,
    storeId: StoreId | string,
    options: CollectionOptionsBase,
    machine: (storeId: UniqueId) => M,
    writer: boolean,
  ) {
    const id = UniqueId.from(storeId)
    const { consensus, sync } = options
    // Checked before the replica opens, so a bad option leaves nothing behind.
    const writeTimeout = checkTimeout(options.writeTimeout, 'writeTimeout', DEFAULT_WRITE_TIMEOUT)
    const replica = openReplica<C, I, M>(network, machine(id), {
      key: id,
      preference: writer ? 'normal' : 'observer',
      consensus,
      sync,
      // Ticket validators, as Cell passes them (mosaik `require_ticket`): part of the group id.
      ...(options.auth ? { requireTicket: options.auth } : {}),
      ...(options.writeAuth ? { writeAuth: options.writeAuth } : {}),
      labels: { store: id.toString(), kind },
    })
    super(id, replica, writeTimeout)
    this.kind = kind
    this.machine = replica.machine
    if (!reporting.has(this.machine)) {
      reporting.add(this.machine)
      const groupId = replica.group.id
      this.machine.rejected.on((r) => reportRejection(network, kind, groupId, r))
      // The replica's size for the devtools: once per applied batch that changed it.
      let reported = -1
      this.machine.applied.on(() => {
        const size = this.machine.size()
        if (size === reported || network.stopped) return
        reported = size
        network.emitTelemetry({
          type: 'group.size',
          at: performance.now(),
          peer: network.peerId,
          group: groupId.toString(),
          size,
        })
      })
    }
    this.open(network)
  }

  /** Entries held by the local replica. O(1). */
  len(): number {
    return this.machine.size()
  }

  isEmpty(): boolean {
    return this.machine.size() === 0
  }

  /** Commands refused by `apply` on this replica (bad bytes, schema failures); also reported as telemetry. */
  get rejected(): number {
    return this.machine.rejectedCount
  }

  /** The collection's own snapshot fields, added to the common ones. Called once per visible change. */
  protected abstract snapshotFields(base: CollectionSnapshot): S

  /** Fails at once with `network-down` once closed: reads of a closed handle are refused too. */
  protected assertOpen<V>(value: V): void {
    if (this.closed) throw networkDown(value)
  }

  /** An empty batch commits nothing (as in mosaik): the current version, unless the handle is closed. */
  protected unchanged<V>(carried: V): Promise<Version> {
    if (this.closed) return Promise.reject(networkDown(carried))
    return Promise.resolve(this.version())
  }

  /** A rejected promise for input refused before sending; no replica changes. */
  protected refuse<V>(kind: 'encoding' | 'invalid', message: string, value: V): Promise<Version> {
    return Promise.reject(new CellError(kind, message, value))
  }

  protected build(): S {
    this.#snapshotGeneration = this.machine.generation
    return this.snapshotFields({ ...this.fields(), size: this.machine.size() })
  }

  protected isCurrent(): boolean {
    return this.machine.generation === this.#snapshotGeneration
  }
}

function reportRejection(network: Network, kind: CollectionKind, groupId: GroupId, r: CollectionRejection): void {
  if (network.stopped) return
  network.emitTelemetry({
    type: 'input.rejected',
    at: performance.now(),
    peer: network.peerId,
    remote: undefined,
    protocol: `collections/${kind}/${groupId.short()}`,
    reason: REJECT_REASON[r.kind],
    detail: `${r.command}: ${r.detail}`,
  })
}
