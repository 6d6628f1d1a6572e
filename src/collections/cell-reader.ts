import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { RejectReason } from '../core/errors.js'
import { type GroupId, type StoreId, UniqueId, type Version } from '../core/id.js'
import { checkTimeout } from '../groups/client.js'
import { DEFAULT_CONSENSUS } from '../groups/config.js'
import type { Group } from '../groups/types.js'
import type { Network } from '../network/network.js'
import { type CellCommand, CellMachine, type CellRejection } from './cell-machine.js'
import { openReplica } from './join.js'
import { ReplicaHandle } from './replica-handle.js'
import type { CellOptions, CellReader, CellSnapshot } from './types.js'
import { NO_WRITER_TIMEOUTS, WriterWatch } from './writer-watch.js'

/** Default bound of a write: a pending write settles within this many ms. */
export const DEFAULT_WRITE_TIMEOUT = 10_000

const REJECT_REASON: Record<CellRejection['kind'], RejectReason> = {
  encoding: 'malformed',
  malformed: 'malformed',
  invalid: 'invalid-value',
}

/** Machines whose refusals are already reported; handles sharing a replica report them once. */
const reporting = new WeakSet<CellMachine<unknown>>()

/**
 * The read side of a cell replica (mosaik `Cell<T, READER>`), and the base of the writer.
 * Reads are local and O(1). `getSnapshot()` keeps its identity until the value, version,
 * online state, leader or role changes; listeners fire once per applied batch (and on
 * each other visible change), never once per command.
 */
export class CellReaderHandle<T> extends ReplicaHandle<CellCommand, CellSnapshot<T>> implements CellReader<T> {
  protected readonly schema: StandardSchemaV1<T> | undefined
  readonly #machine: CellMachine<T>
  readonly #writers: WriterWatch

  constructor(network: Network, storeId: StoreId | string, options: CellOptions<T>, writer: boolean) {
    const id = UniqueId.from(storeId)
    // Checked before the replica opens, so a bad option leaves nothing behind.
    const writeTimeout = checkTimeout(options.writeTimeout, 'writeTimeout', DEFAULT_WRITE_TIMEOUT)
    const replica = openReplica<CellCommand, Uint8Array, CellMachine<T>>(
      network,
      new CellMachine<T>({
        storeId: id,
        typeName: options.typeName ?? 'unknown',
        schema: options.schema,
        writer,
      }),
      {
        key: id,
        preference: writer ? 'normal' : 'observer',
        consensus: options.consensus,
        sync: options.sync,
        ...(options.auth ? { requireTicket: options.auth } : {}),
        ...(options.writeAuth ? { writeAuth: options.writeAuth } : {}),
        labels: { store: id.toString(), kind: 'cell' },
      },
    )
    super(id, replica, writeTimeout)
    this.schema = options.schema
    this.#machine = replica.machine
    if (!reporting.has(this.#machine)) {
      reporting.add(this.#machine)
      // Lives as long as the machine, which lives as long as the group membership.
      const groupId = replica.group.id
      this.#machine.rejected.on((r) => reportRejection(network, groupId, r))
    }
    const consensus = { ...DEFAULT_CONSENSUS, ...options.consensus }
    this.#writers = new WriterWatch(
      this.group as Group<unknown>,
      NO_WRITER_TIMEOUTS * consensus.electionTimeout + consensus.bootstrapDelay,
      () => this.refresh(),
    )
    this.onCleanup(() => this.#writers.close())
    this.open(network)
    this.#writers.check()
  }

  /** The replica's own committed value (not a copy, as reads are O(1)): treat it as immutable. */
  read(): T | undefined {
    return this.#machine.value()
  }

  get(): T | undefined {
    return this.#machine.value()
  }

  isEmpty(): boolean {
    return this.#machine.value() === undefined
  }

  isNone(): boolean {
    return this.isEmpty()
  }

  isSome(): boolean {
    return !this.isEmpty()
  }

  compareExchangeWon(version: Version): boolean | undefined {
    return this.#machine.swapped(version)
  }

  /** Values refused by `apply` on this replica (bad bytes, schema failures); also reported as telemetry. */
  get rejected(): number {
    return this.#machine.rejectedCount
  }

  protected build(): CellSnapshot<T> {
    return { value: this.#machine.value(), ...this.fields(), noWriter: this.#noWriter() }
  }

  protected isCurrent(prev: CellSnapshot<T>): boolean {
    return prev.noWriter === this.#noWriter() && Object.is(prev.value, this.#machine.value())
  }

  protected override onGroupChange(): void {
    if (!this.group.closed) this.#writers.check()
    super.onGroupChange()
  }

  protected override onClosed(): void {
    this.#writers.close()
  }

  #noWriter(): boolean {
    return !this.closed && this.#writers.noWriter
  }
}

/** One `input.rejected` telemetry event per refused command (counted by `network.rejected()`). */
function reportRejection(network: Network, groupId: GroupId, r: CellRejection): void {
  if (network.stopped) return
  network.emitTelemetry({
    type: 'input.rejected',
    at: performance.now(),
    peer: network.peerId,
    remote: undefined,
    protocol: `collections/cell/${groupId.short()}`,
    reason: REJECT_REASON[r.kind],
    detail: `${r.command}: ${r.detail}`,
  })
}
