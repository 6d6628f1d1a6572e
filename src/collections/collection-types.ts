/**
 * Public types shared by the collections beyond Cell (API.md "Collections beyond Cell"):
 * their options, the snapshot every handle publishes, and the read side every handle has.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { GroupId, PeerId, StoreId, Version } from '../core/id.js'
import type { CollectionKind } from './collection-machine.js'
import type { CellOptions, When } from './types.js'

export type { CollectionKind }

/**
 * Options every collection takes: Cell's (`sync`, `consensus`, `writeTimeout`, and what
 * Cell adds later, such as ticket validators) without the value-specific ones.
 */
export type CollectionOptionsBase = Omit<CellOptions<unknown>, 'schema' | 'typeName'> & {
  /** Part of the group id, like Rust's `type_name::<T>()`; default 'unknown'. */
  typeName?: string
}

/** Options of a collection of `T` (Vec, Set, Once): a schema for its elements. */
export type CollectionOptions<T> = CollectionOptionsBase & {
  /** Validates local writes and every element a peer sends (Standard Schema v1). */
  schema?: StandardSchemaV1<T>
}

/** An immutable view of a replica; keeps its identity until something visible changes. */
export interface CollectionSnapshot {
  readonly version: Version
  readonly online: boolean
  readonly leader: PeerId | undefined
  readonly role: 'leader' | 'follower' | 'candidate'
  /** Entries (keys, elements) in the local replica. */
  readonly size: number
}

/** What every collection handle has (Cell's reader, for any collection). */
export interface CollectionReader<S extends CollectionSnapshot = CollectionSnapshot> {
  readonly kind: CollectionKind
  readonly groupId: GroupId
  readonly storeId: StoreId
  readonly when: When
  /** Entries held by the local replica. O(1). */
  len(): number
  isEmpty(): boolean
  /** Committed version of the local replica. */
  version(): Version
  /** For `useSyncExternalStore`: fires once per applied batch or visible state change. */
  subscribe(listener: () => void): () => void
  getSnapshot(): S
  /** Leaves the group (graceful departure); idempotent. Later writes fail `network-down`. */
  close(): Promise<void>
}
