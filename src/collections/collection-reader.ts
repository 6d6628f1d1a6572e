import { CellError, type RejectReason } from '../core/errors.js'
import { type GroupId, type StoreId, UniqueId, type Version } from '../core/id.js'
import type { Group, GroupState } from '../groups/types.js'
import type { Network } from '../network/network.js'
import { DEFAULT_WRITE_TIMEOUT } from './cell-reader.js'
import { CollectionWhen, networkDown } from './cell-when.js'
import type { CollectionKind, CollectionMachine, CollectionRejection } from './collection-machine.js'
import type { CollectionOptionsBase, CollectionReader, CollectionSnapshot } from './collection-types.js'
import { openReplica } from './join.js'
import type { When } from './types.js'
import { runWrite, type WriteScope } from './write.js'

const REJECT_REASON: Record<CollectionRejection['kind'], RejectReason> = {
  encoding: 'malformed',
  malformed: 'malformed',
  invalid: 'invalid-value',
}

/** Machines whose refusals are already reported; handles sharing a replica report them once. */
const reporting = new WeakSet<object>()

/**
 * The read side of any collection other than Cell, and the base of its writer: opens
 * (or shares) the replica, keeps an immutable snapshot that changes identity only when
 * something visible changed (one listener call per applied batch), runs commands bounded
 * by `writeTimeout`, and fails everything with `network-down` once closed. Each
 * collection's file adds its reads and its snapshot fields (`snapshotFields`).
 */
export abstract class CollectionReaderHandle<C, I, M extends CollectionMachine<C, I>, S extends CollectionSnapshot>
  implements CollectionReader<S>
{
  readonly kind: CollectionKind
  readonly storeId: StoreId
  readonly groupId: GroupId
  readonly when: When
  readonly #when: CollectionWhen
  protected readonly group: Group<C>
  protected readonly machine: M
  protected readonly writeTimeout: number
  readonly #release: () => Promise<void>
  readonly #listeners = new Set<() => void>()
  readonly #pending = new Set<() => void>()
  /** What each write borrows of this handle (`runWrite`). */
  readonly #writeScope: WriteScope
  readonly #unsubscribe: (() => void)[] = []
  #snapshot!: S
  #snapshotGeneration = -1
  #batchVersion = 0
  #closed = false
  #closing: Promise<void> | undefined

  constructor(
    kind: CollectionKind,
    network: Network,
    storeId: StoreId | string,
    options: CollectionOptionsBase,
    machine: (storeId: UniqueId) => M,
    writer: boolean,
  ) {
    this.kind = kind
    this.storeId = UniqueId.from(storeId)
    this.writeTimeout = options.writeTimeout ?? DEFAULT_WRITE_TIMEOUT
    this.#writeScope = { timeoutMs: this.writeTimeout, inFlight: this.#pending, closed: () => this.#closed }
    const { consensus, sync } = options
    const replica = openReplica<C, I, M>(network, machine(this.storeId), {
      key: this.storeId,
      preference: writer ? 'normal' : 'observer',
      consensus,
      sync,
      // Ticket validators, as Cell passes them (mosaik `require_ticket`): part of the group id.
      ...(options.auth ? { requireTicket: options.auth } : {}),
      ...(options.writeAuth ? { writeAuth: options.writeAuth } : {}),
      labels: { store: this.storeId.toString(), kind },
    })
    this.#release = replica.release
    this.machine = replica.machine
    this.group = replica.group
    this.#unsubscribe.push(
      this.machine.applied.on((version) => {
        this.#batchVersion = version ?? 0
        this.#refresh()
      }),
    )
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
    this.groupId = this.group.id
    this.#when = new CollectionWhen(this.group.when)
    this.when = this.#when
    this.#snapshot = this.#build()
    this.#unsubscribe.push(this.group.subscribe(() => this.#onGroupChange()))
    const onStop = () => this.#markClosed()
    network.signal.addEventListener('abort', onStop, { once: true })
    this.#unsubscribe.push(() => network.signal.removeEventListener('abort', onStop))
    if (network.stopped || this.group.closed) this.#markClosed()
  }

  /** Entries held by the local replica. O(1). */
  len(): number {
    return this.machine.size()
  }

  isEmpty(): boolean {
    return this.machine.size() === 0
  }

  version(): Version {
    return Math.max(this.group.committed(), this.#batchVersion)
  }

  /** Commands refused by `apply` on this replica (bad bytes, schema failures); also reported as telemetry. */
  get rejected(): number {
    return this.machine.rejectedCount
  }

  get closed(): boolean {
    return this.#closed
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  getSnapshot(): S {
    return this.#snapshot
  }

  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  /** The collection's own snapshot fields, added to the common ones. Called once per visible change. */
  protected abstract snapshotFields(base: CollectionSnapshot): S

  /** Fails at once with `network-down` once closed: reads of a closed handle are refused too. */
  protected assertOpen<V>(value: V): void {
    if (this.#closed) throw networkDown(value)
  }

  /** An empty batch commits nothing (as in mosaik): the current version, unless the handle is closed. */
  protected unchanged<V>(carried: V): Promise<Version> {
    if (this.#closed) return Promise.reject(networkDown(carried))
    return Promise.resolve(this.version())
  }

  /** A rejected promise for input refused before sending; no replica changes. */
  protected refuse<V>(kind: 'encoding' | 'invalid', message: string, value: V): Promise<Version> {
    return Promise.reject(new CellError(kind, message, value))
  }

  /**
   * Runs one command through the group, bounded by `writeTimeout` (`write.ts`, the one write
   * path of every collection). Every way it can fail becomes a `CellError` carrying `value`;
   * closing the handle fails it at once.
   */
  protected execute<V>(command: C, value: V): Promise<Version> {
    return runWrite(this.group, command, value, this.#writeScope)
  }

  #onGroupChange(): void {
    if (this.group.closed) this.#markClosed()
    else this.#refresh()
  }

  #refresh(): void {
    if (this.#snapshot === undefined) return
    const prev = this.#snapshot
    const state: GroupState = this.group.getSnapshot()
    const online = state.online && !this.#closed
    const leader = this.#closed ? undefined : state.leader
    if (
      this.machine.generation === this.#snapshotGeneration &&
      this.version() === prev.version &&
      online === prev.online &&
      leader === prev.leader &&
      state.role === prev.role
    )
      return
    this.#snapshot = this.#build()
    for (const l of [...this.#listeners]) {
      try {
        l()
      } catch (err) {
        console.error('mosaik-react: a collection listener threw', err)
      }
    }
  }

  #build(): S {
    const state: GroupState = this.group.getSnapshot()
    this.#snapshotGeneration = this.machine.generation
    const base: CollectionSnapshot = {
      version: this.version(),
      online: state.online && !this.#closed,
      leader: this.#closed ? undefined : state.leader,
      role: state.role,
      size: this.machine.size(),
    }
    return Object.freeze(this.snapshotFields(base))
  }

  #markClosed(): void {
    if (this.#closed) return
    this.#closed = true
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
