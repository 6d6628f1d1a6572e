import type { GroupId, StoreId, UniqueId, Version } from '../core/id.js'
import { LinkedSet } from '../core/linked-set.js'
import type { Group, GroupState, Role } from '../groups/types.js'
import type { Network } from '../network/network.js'
import { CollectionWhen } from './cell-when.js'
import type { When } from './types.js'
import { type InFlight, runWrite, type WriteScope } from './write.js'

/** The fields every collection snapshot has. */
export interface ReplicaFields {
  readonly version: Version
  readonly online: boolean
  readonly leader: string | undefined
  readonly role: Role
}

/** An opened (or shared) replica: its group, a machine that says when it applied, and how to let go. */
export interface OpenedReplica<C> {
  readonly group: Group<C>
  readonly machine: { readonly applied: { on(listener: (version: Version | undefined) => void): () => void } }
  readonly release: () => Promise<void>
}

/**
 * The part every collection handle (Cell and the others, readers and writers) shares: an
 * immutable snapshot that changes identity only when something visible changed (listeners
 * called once per applied batch, never once per command), commands bounded by
 * `writeTimeout` (`write.ts`), and, once closed (by `close()` or the network stopping), every pending and
 * later command failed with `network-down`. A subclass builds its snapshot (`build`), says
 * what else it shows (`isCurrent`) and calls `open` at the end of its constructor.
 */
export abstract class ReplicaHandle<C, S extends ReplicaFields> {
  readonly storeId: StoreId
  readonly groupId: GroupId
  readonly when: When
  protected readonly group: Group<C>
  protected readonly writeTimeout: number
  readonly #when: CollectionWhen
  readonly #release: () => Promise<void>
  readonly #listeners = new Set<() => void>()
  /** Fails each pending command with `network-down` (its own value inside). */
  readonly #pending = new LinkedSet<InFlight>()
  /** What each write borrows of this handle (`runWrite`). */
  readonly #writeScope: WriteScope
  readonly #cleanup: (() => void)[] = []
  #snapshot: S | undefined
  /** Version reached by the last applied batch; 0 after a snapshot install (the group then knows best). */
  #batchVersion = 0
  #closed = false
  #closing: Promise<void> | undefined

  protected constructor(storeId: UniqueId, replica: OpenedReplica<C>, writeTimeout: number) {
    this.storeId = storeId
    this.writeTimeout = writeTimeout
    this.#writeScope = { timeoutMs: writeTimeout, inFlight: this.#pending, closed: () => this.#closed }
    this.#release = replica.release
    this.group = replica.group
    this.groupId = replica.group.id
    this.#when = new CollectionWhen(replica.group.when)
    this.when = this.#when
    this.onCleanup(
      replica.machine.applied.on((version) => {
        this.#batchVersion = version ?? 0
        this.refresh()
      }),
    )
  }

  /** The end of a subclass's constructor: the first snapshot, then group and network changes. */
  protected open(network: Network): void {
    this.#snapshot = Object.freeze(this.build())
    this.onCleanup(this.group.subscribe(() => this.onGroupChange()))
    const onStop = () => this.#markClosed()
    network.signal.addEventListener('abort', onStop, { once: true })
    this.onCleanup(() => network.signal.removeEventListener('abort', onStop))
    if (network.stopped || this.group.closed) this.#markClosed()
  }

  version(): Version {
    return Math.max(this.group.committed(), this.#batchVersion)
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

  getSnapshot(): S {
    return this.#snapshot as S
  }

  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  /** The snapshot now (frozen by the caller). */
  protected abstract build(): S

  /** True when `prev` still shows what this handle adds to the common fields (value, size …). */
  protected abstract isCurrent(prev: S): boolean

  /** The common fields as they are now. */
  protected fields(): ReplicaFields {
    const state: GroupState = this.group.getSnapshot()
    return {
      version: this.version(),
      online: state.online && !this.#closed,
      leader: this.#closed ? undefined : state.leader,
      role: state.role,
    }
  }

  /** Runs `fn` when the handle is closed (after the replica is released). */
  protected onCleanup(fn: () => void): void {
    this.#cleanup.push(fn)
  }

  /** The group changed (role, leader, commit …). */
  protected onGroupChange(): void {
    if (this.group.closed) this.#markClosed()
    else this.refresh()
  }

  /** Called once when the handle closes, before pending commands fail. */
  protected onClosed(): void {}

  /**
   * Runs one command through the group, bounded by `writeTimeout` (`write.ts`, the one write
   * path of every collection). Every way it can fail becomes a `CellError` carrying `value`;
   * closing the handle fails it at once.
   */
  protected execute<V>(command: C, value: V): Promise<Version> {
    return runWrite(this.group, command, value, this.#writeScope)
  }

  /** Rebuilds the snapshot and tells listeners if anything visible changed. */
  protected refresh(): void {
    // The group may apply (or install a snapshot) while the replica is still being opened.
    const prev = this.#snapshot
    if (prev === undefined) return
    const now = this.fields()
    if (
      now.version === prev.version &&
      now.online === prev.online &&
      now.leader === prev.leader &&
      now.role === prev.role &&
      this.isCurrent(prev)
    )
      return
    this.#snapshot = Object.freeze(this.build())
    for (const l of [...this.#listeners]) {
      try {
        l()
      } catch (err) {
        console.error('mosaik-react: a collection listener threw', err)
      }
    }
  }

  /** Network stopped or handle closed: fail pending commands, go offline for good. */
  #markClosed(): void {
    if (this.#closed) return
    this.#closed = true
    this.onClosed()
    this.#when.close()
    for (const write of this.#pending.takeAll()) write.fail()
    this.refresh()
  }

  async #close(): Promise<void> {
    this.#markClosed()
    try {
      await this.#release()
    } finally {
      for (const u of this.#cleanup.splice(0)) u()
      this.#listeners.clear()
    }
  }
}
