/**
 * Public types of replicated collections (docs/API.md "Cell"). `cell.ts` implements them on
 * the public group API; the React layer programs against exactly these names.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { GroupId, PeerId, StoreId, Version } from '../core/id.js'
import type { ConsensusConfig, SyncConfig } from '../groups/config.js'
import type { TicketValidator } from '../tickets/validator.js'

export type { ConsensusConfig, SyncConfig }

export interface CellOptions<T> {
  /** Part of the group id, like Rust's `type_name::<T>()`; default 'unknown'. */
  typeName?: string
  /** Validates local writes and every value a peer sends (Standard Schema v1: zod, valibot, arktype …). */
  schema?: StandardSchemaV1<T>
  sync?: Partial<SyncConfig>
  consensus?: Partial<ConsensusConfig>
  /** How long a write may wait for a leader and its commit before failing `offline`, ms (default 10 000). */
  writeTimeout?: number
  /**
   * The seed's `config.auth` (mosaik `require_ticket`): every member, reader or writer, must
   * hold a valid ticket for each validator in its discovery entry, or no one bonds with it
   * (it never comes online and sees no data). Part of the group id.
   */
  auth?: readonly TicketValidator[]
  /**
   * Additionally required to vote, lead or have a write applied: a peer without these is
   * an observer whatever it declares, and writes from a handle whose peer lacks them reject
   * with `CellError('unauthorized')`. Part of the group id.
   */
  writeAuth?: readonly TicketValidator[]
}

/** An immutable view of a replica; keeps its identity until something visible changes. */
export interface CellSnapshot<T> {
  readonly value: T | undefined
  readonly version: Version
  readonly online: boolean
  readonly leader: PeerId | undefined
  readonly role: 'leader' | 'follower' | 'candidate'
  /**
   * True when this replica (a reader) has had no reachable writer for a bounded time
   * (three election timeouts plus the bootstrap delay): no leader and no voting member
   * bonded. False again as soon as one is reachable. Writers never report it.
   */
  readonly noWriter?: boolean
}

/** Waits on a replica's state. Every promise rejects with `CellError('network-down')` when the cell closes. */
export interface When {
  /** Resolves at once if online. */
  online(): Promise<void>
  offline(): Promise<void>
  /** The next committed change of the local replica. */
  updated(): Promise<void>
  /** Resolves once the local replica applied `version`. */
  reaches(version: Version): Promise<void>
  leaderElected(): Promise<PeerId>
  leaderChanged(): Promise<PeerId | undefined>
  /** Committed state moved back (default consistency mode, after a partition); resolves with the version it moved back to. */
  reverted(): Promise<Version>
}

export interface CellReader<T> {
  /** Local committed value, O(1), no network. */
  read(): T | undefined
  get(): T | undefined
  isEmpty(): boolean
  isNone(): boolean
  isSome(): boolean
  /** Committed version of the local replica. */
  version(): Version
  /**
   * Whether the compare-exchange committed at `version` swapped, as this replica applied it;
   * `undefined` when unknown (it came within a snapshot, or is thousands of versions old).
   */
  compareExchangeWon?(version: Version): boolean | undefined
  readonly groupId: GroupId
  readonly storeId: StoreId
  readonly when: When
  /** For `useSyncExternalStore`: fires once per applied batch or visible state change. */
  subscribe(listener: () => void): () => void
  getSnapshot(): CellSnapshot<T>
  /** Leaves the group (graceful departure); idempotent. */
  close(): Promise<void>
}

export interface CellWriter<T> extends CellReader<T> {
  /** Resolves with the version at which the write commits. */
  write(value: T): Promise<Version>
  set(value: T): Promise<Version>
  /** Compares encoded bytes; a mismatch still commits (and bumps the version) but changes nothing. */
  compareExchange(current: T | undefined, next: T | undefined): Promise<Version>
  clear(): Promise<Version>
}
