/** Public state types of the collection hooks (API.md "React": one reader/writer pair per collection). */
import type { CollectionSnapshot } from '../collections/collection-types.js'
import type { MapSnapshot } from '../collections/map.js'
import type { OnceSnapshot } from '../collections/once.js'
import type { PriorityEntry, PriorityQueueSnapshot, PriorityRange } from '../collections/pq.js'
import type { SetSnapshot } from '../collections/set.js'
import type { VecSnapshot } from '../collections/vec.js'
import type { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'
import type { CellStatus } from './types.js'

/** A collection reader hook's state: the replica's snapshot (`value`, `size`, `version`, …) plus `status` and `error`, as the cell hooks. */
export type CollectionState<S extends CollectionSnapshot> = S & {
  readonly status: CellStatus
  readonly error: CellError<unknown> | undefined
}

/** What every writer hook adds besides its functions. */
export interface PendingWrites {
  /** Writes from this peer through this handle not settled yet. */
  readonly pending: number
  /** What the last unsettled write carried (the hook's arguments), for optimistic UI. */
  readonly pendingValue: unknown
}

export type MapState<K, V> = CollectionState<MapSnapshot<K, V>>
export interface MapWriterState<K, V> extends MapState<K, V>, PendingWrites {
  insert(key: K, value: V): Promise<Version>
  extend(entries: Iterable<readonly [K, V]>): Promise<Version>
  remove(key: K): Promise<Version>
  removeMany(keys: Iterable<K>): Promise<Version>
  clear(): Promise<Version>
  compareExchange(key: K, expected: V | undefined, next: V | undefined): Promise<Version>
  /** A compare-exchange loop on one key (`MapWriter.update`); `fn` may run several times. */
  update(key: K, fn: (current: V | undefined) => V | undefined, options?: { attempts?: number }): Promise<Version>
}

export type VecState<T> = CollectionState<VecSnapshot<T>>
export interface VecWriterState<T> extends VecState<T>, PendingWrites {
  pushBack(value: T): Promise<Version>
  pushFront(value: T): Promise<Version>
  popBack(): Promise<Version>
  popFront(): Promise<Version>
  insert(index: number, value: T): Promise<Version>
  extend(values: Iterable<T>): Promise<Version>
  remove(index: number): Promise<Version>
  swap(i: number, j: number): Promise<Version>
  truncate(len: number): Promise<Version>
  clear(): Promise<Version>
}

export type SetState<T> = CollectionState<SetSnapshot<T>>
export interface SetWriterState<T> extends SetState<T>, PendingWrites {
  insert(value: T): Promise<Version>
  extend(values: Iterable<T>): Promise<Version>
  remove(value: T): Promise<Version>
  removeMany(values: Iterable<T>): Promise<Version>
  clear(): Promise<Version>
}

export type OnceState<T> = CollectionState<OnceSnapshot<T>>
export interface OnceWriterState<T> extends OnceState<T>, PendingWrites {
  /** Commits either way; only the first committed write sets the value. */
  write(value: T): Promise<Version>
  set(value: T): Promise<Version>
}

export type PriorityQueueState<P, K, V> = CollectionState<PriorityQueueSnapshot<P, K, V>>
export interface PriorityQueueWriterState<P, K, V> extends PriorityQueueState<P, K, V>, PendingWrites {
  insert(priority: P, key: K, value: V): Promise<Version>
  extend(entries: Iterable<PriorityEntry<P, K, V>>): Promise<Version>
  updatePriority(key: K, priority: P): Promise<Version>
  updateValue(key: K, value: V): Promise<Version>
  compareExchangeValue(key: K, expected: V, next: V | undefined): Promise<Version>
  remove(key: K): Promise<Version>
  removeKeys(keys: Iterable<K>): Promise<Version>
  removeRange(range: PriorityRange<P>): Promise<Version>
  clear(): Promise<Version>
}
