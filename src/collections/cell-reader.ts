import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { RejectReason } from '../core/errors.js'
import { type GroupId, type StoreId, UniqueId, type Version } from '../core/id.js'
import { DEFAULT_CONSENSUS } from '../groups/config.js'
import type { Group, GroupState } from '../groups/types.js'
import type { Network } from '../network/network.js'
import { type CellCommand, CellMachine, type CellRejection } from './cell-machine.js'
import { CollectionWhen } from './cell-when.js'
import { openReplica } from './join.js'
import type { CellOptions, CellReader, CellSnapshot, When } from './types.js'
import { runWrite, type WriteScope } from './write.js'
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
export class CellReaderHandle<T> implements CellReader<T> {
  readonly storeId: StoreId
  readonly groupId: GroupId
  readonly when: When
  readonly #when: CollectionWhen
  protected readonly group: Group<CellCommand>
  protected readonly schema: StandardSchemaV1<T> | undefined
  protected readonly writeTimeout: number
  readonly #machine: CellMachine<T>
  readonly #release: () => Promise<void>
  readonly #listeners = new Set<() => void>()
  /** Fails each pending write with `network-down` (its own value inside). */
  readonly #pending = new Set<() => void>()
  /** What each write borrows of this handle (`runWrite`). */
  readonly #writeScope: WriteScope
  readonly #unsubscribe: (() => void)[] = []
  #snapshot!: CellSnapshot<T>
  readonly #writers: WriterWatch
  /** Version reached by the last applied batch; 0 after a snapshot install (the group then knows best). */
  #batchVersion = 0
  #closed = false
  #closing: Promise<void> | undefined

  constructor(network: Network, storeId: StoreId | string, options: CellOptions<T>, writer: boolean) {
    this.storeId = UniqueId.from(storeId)
    this.schema = options.schema
    this.writeTimeout = options.writeTimeout ?? DEFAULT_WRITE_TIMEOUT
    this.#writeScope = { timeoutMs: this.writeTimeout, inFlight: this.#pending, closed: () => this.#closed }
    const replica = openReplica<CellCommand, Uint8Array, CellMachine<T>>(
      network,
      new CellMachine<T>({
        storeId: this.storeId,
        typeName: options.typeName ?? 'unknown',
        schema: options.schema,
        writer,
      }),
      {
        key: this.storeId,
        preference: writer ? 'normal' : 'observer',
        consensus: options.consensus,
        sync: options.sync,
        ...(options.auth ? { requireTicket: options.auth } : {}),
        ...(options.writeAuth ? { writeAuth: options.writeAuth } : {}),
        labels: { store: this.storeId.toString(), kind: 'cell' },
      },
    )
    this.#release = replica.release
    this.#machine = replica.machine
    this.group = replica.group
    this.#unsubscribe.push(
      this.#machine.applied.on((version) => {
        this.#batchVersion = version ?? 0
        this.#refresh()
      }),
    )
    if (!reporting.has(this.#machine)) {
      reporting.add(this.#machine)
      // Lives as long as the machine, which lives as long as the group membership.
      const groupId = replica.group.id
      this.#machine.rejected.on((r) => reportRejection(network, groupId, r))
    }
    this.groupId = this.group.id
    this.#when = new CollectionWhen(this.group.when)
    this.when = this.#when
    const consensus = { ...DEFAULT_CONSENSUS, ...options.consensus }
    this.#writers = new WriterWatch(
      this.group as Group<unknown>,
      NO_WRITER_TIMEOUTS * consensus.electionTimeout + consensus.bootstrapDelay,
      () => this.#refresh(),
    )
    this.#unsubscribe.push(() => this.#writers.close())
    this.#snapshot = this.#build()
    this.#writers.check()
    this.#unsubscribe.push(this.group.subscribe(() => this.#onGroupChange()))
    const onStop = () => this.#markClosed()
    network.signal.addEventListener('abort', onStop, { once: true })
    this.#unsubscribe.push(() => network.signal.removeEventListener('abort', onStop))
    if (network.stopped || this.group.closed) this.#markClosed()
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

  version(): Version {
    return Math.max(this.group.committed(), this.#batchVersion)
  }

  compareExchangeWon(version: Version): boolean | undefined {
    return this.#machine.swapped(version)
  }

  /** Values refused by `apply` on this replica (bad bytes, schema failures); also reported as telemetry. */
  get rejected(): number {
    return this.#machine.rejectedCount
  }

  /** True once `close()` was called or the network stopped. */
  get closed(): boolean {
    return this.#closed
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  getSnapshot(): CellSnapshot<T> {
    return this.#snapshot
  }

  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  /**
   * Runs one command through the group, bounded by `writeTimeout` (`write.ts`, the one write
   * path of every collection). Every way it can fail becomes a `CellError` carrying `value`;
   * closing the handle fails it at once.
   */
  protected execute<V>(command: CellCommand, value: V): Promise<Version> {
    return runWrite(this.group, command, value, this.#writeScope)
  }

  #onGroupChange(): void {
    if (this.group.closed) this.#markClosed()
    else {
      this.#writers.check()
      this.#refresh()
    }
  }

  /** Rebuilds the snapshot and tells listeners if anything visible changed. */
  #refresh(): void {
    // The group may apply (or install a snapshot) while `join` is still running.
    if (this.#snapshot === undefined) return
    const next = this.#build()
    const prev = this.#snapshot
    if (
      next.version === prev.version &&
      next.online === prev.online &&
      next.leader === prev.leader &&
      next.role === prev.role &&
      next.noWriter === prev.noWriter &&
      Object.is(next.value, prev.value)
    )
      return
    this.#snapshot = next
    for (const l of [...this.#listeners]) {
      try {
        l()
      } catch (err) {
        console.error('mosaik-react: a cell listener threw', err)
      }
    }
  }

  #build(): CellSnapshot<T> {
    const state: GroupState = this.group.getSnapshot()
    return Object.freeze({
      value: this.#machine.value(),
      version: this.version(),
      online: state.online && !this.#closed,
      leader: this.#closed ? undefined : state.leader,
      role: state.role,
      noWriter: !this.#closed && this.#writers.noWriter,
    })
  }

  /** Network stopped or cell closed: fail pending writes, go offline for good. */
  #markClosed(): void {
    if (this.#closed) return
    this.#closed = true
    this.#writers.close()
    this.#when.close()
    for (const fail of [...this.#pending]) fail()
    this.#refresh()
  }

  async #close(): Promise<void> {
    this.#markClosed()
    try {
      await this.#release()
    } finally {
      for (const u of this.#unsubscribe.splice(0)) u()
      this.#listeners.clear()
    }
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
