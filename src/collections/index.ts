/**
 * Replicated collections: data structures whose every replica applies the same
 * committed commands, on top of a consensus group each (mosaik `collections`).
 *
 * | collection | state        | writes                                   |
 * |------------|--------------|------------------------------------------|
 * | `Cell<T>`  | `T \| undefined` | `write`/`set`, `compareExchange`, `clear` |
 * | `ReplicatedMap<K, V>` (`collections.Map`) | keys to values | `insert`, `extend`, `remove`, `removeMany`, `clear`, `compareExchange`, `update` |
 * | `Vec<T>`   | ordered list | `pushBack`/`pushFront`, `popBack`/`popFront`, `insert`, `extend`, `remove`, `swap`, `truncate`, `clear` |
 * | `ReplicatedSet<T>` (`collections.Set`) | unique elements | `insert`, `extend`, `remove`, `removeMany`, `clear` |
 * | `Once<T>`  | first value written | `write`/`set` (only the first commit wins) |
 * | `PriorityQueue<P, K, V>` | keys by priority | `insert`, `extend`, `updatePriority`, `updateValue`, `compareExchangeValue`, `remove`, `removeKeys`, `removeRange`, `clear` |
 *
 * Each collection has two roles. A writer is a `normal` group member: it may lead, and
 * its writes resolve with the `Version` at which they commit. A reader is an `observer`:
 * it never leads and is never counted in a quorum. Both read locally in O(1) and wait
 * with `when` (`online`, `reaches(version)`, …). A late member catches up from a
 * snapshot, not by replaying history.
 *
 * ```ts
 * import { Network, Cell } from 'mosaik-react/core'
 * const a = await Network.create({ network: 'demo', transport: 'memory' })
 * const b = await Network.create({ network: 'demo', transport: 'memory', bootstrap: a.addresses() })
 * const writer = Cell.writer<number>(a, 'counter')
 * const reader = Cell.reader<number>(b, 'counter')
 * const version = await writer.write(42)
 * await reader.when.reaches(version)
 * reader.read() // 42
 * ```
 */

/** Every collection fails with a `CellError` (kinds `offline`, `encoding`, `invalid`, `network-down`); `CollectionError` names the same class. */
export { CellError as CollectionError } from '../core/errors.js'
export { Cell, type CellDef, defineCell } from './cell.js'
export type { CellCommand } from './cell-machine.js'
export type {
  CollectionKind,
  CollectionOptions,
  CollectionOptionsBase,
  CollectionReader,
  CollectionSnapshot,
} from './collection-types.js'
export * as collections from './collections-namespace.js'
export {
  defineMap,
  type MapDef,
  type MapOptions,
  type MapReader,
  type MapSnapshot,
  type MapWriter,
  ReplicatedMap,
} from './map.js'
export type { MapView } from './map-machine.js'
export {
  defineOnce,
  Once,
  type OnceDef,
  type OnceOptions,
  type OnceReader,
  type OnceSnapshot,
  type OnceWriter,
} from './once.js'
export {
  definePriorityQueue,
  type PriorityEntry,
  PriorityQueue,
  type PriorityQueueDef,
  type PriorityQueueOptions,
  type PriorityQueueReader,
  type PriorityQueueSnapshot,
  type PriorityQueueWriter,
  type PriorityRange,
} from './pq.js'
export { comparePriorities } from './pq-machine.js'
export {
  defineSet,
  ReplicatedSet,
  type SetDef,
  type SetOptions,
  type SetReader,
  type SetSnapshot,
  type SetWriter,
} from './set.js'
export type { SetView } from './set-machine.js'
export type { CellOptions, CellReader, CellSnapshot, CellWriter, When } from './types.js'
export {
  defineVec,
  Vec,
  type VecDef,
  type VecOptions,
  type VecReader,
  type VecSnapshot,
  type VecWriter,
} from './vec.js'
