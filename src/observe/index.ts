/**
 * The observer layer: framework-free, shared, ref-counted collection handles and the
 * immutable state their users read (TanStack Query's query-core, zustand's vanilla store).
 * The React hooks only adapt these to `useSyncExternalStore`; nothing here imports React.
 *
 * | piece             | does                                                                   |
 * |-------------------|------------------------------------------------------------------------|
 * | `selectStore`     | the store primitive: a selection over a store, notifying on change only |
 * | `HandleEntry`     | one shared handle: ref counts, grace period, status, pending writes     |
 * | `CellEntry`       | a cell's entry, with `update` (a compare-exchange loop)                 |
 * | `CollectionEntry` | the entry of a Map, Vec, Set, Once or PriorityQueue                     |
 * | `HandleRegistry`  | the entries of one network, stopped with it                             |
 *
 * ```ts
 * const entry = acquireCollection(handleRegistry(network), 'map', 'reader', 'board', () => Board.reader(network), 1000)
 * const card = selectStore({ subscribe: entry.subscribe, getSnapshot: entry.getState }, () => entry.handle?.get('card-1'))
 * const off = card.subscribe(() => render(card.getSnapshot()))   // only when card-1 changes
 * ```
 */
export { CellEntry, type CellEntryState, type CellRole, EMPTY_CELL, type UpdateOptions } from './cell-entry.js'
export {
  acquireCollection,
  CollectionEntry,
  type CollectionEntryState,
  EMPTY,
  type SnapshotOf,
} from './collection-entry.js'
export {
  type BaseSnapshot,
  type EntryHooks,
  type EntryState,
  HandleEntry,
  type HandleRole,
  type HandleStatus,
  type ObservedHandle,
} from './handle-entry.js'
export {
  CellRegistry,
  type CellRegistryStats,
  cellHandleStats,
  cellRegistry,
  DEFAULT_GRACE_PERIOD,
  HandleRegistry,
  type HandleRegistryStats,
  handleRegistry,
} from './handle-registry.js'
export { type Store, selectStore } from './select-store.js'
