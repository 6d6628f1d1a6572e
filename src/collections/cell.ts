import type { IdLike, StoreId } from '../core/id.js'
import { UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import { CellReaderHandle } from './cell-reader.js'
import { CellWriterHandle } from './cell-writer.js'
import type { CellOptions, CellReader, CellWriter } from './types.js'

/**
 * A replicated register holding at most one value (mosaik `collections::Cell`): the
 * distributed form of a watch channel. Every replica sees the latest committed value.
 *
 * All members of a cell must agree on the store id, `typeName`, `sync`, `consensus`, `auth`
 * and `writeAuth` options: they are part of the group id, and members that differ never
 * see each other.
 */
export class Cell {
  private constructor() {}

  /** Joins as a writer: a `normal` member that may lead, with read and write access. */
  static writer<T>(network: Network, storeId: IdLike, options: CellOptions<T> = {}): CellWriter<T> {
    return new CellWriterHandle<T>(network, storeId, options, true)
  }

  /** Joins as a reader: an `observer` (never leads, never counted in a quorum), read-only. */
  static reader<T>(network: Network, storeId: IdLike, options: CellOptions<T> = {}): CellReader<T> {
    return new CellReaderHandle<T>(network, storeId, options, false)
  }

  /** Alias of `writer`. */
  static new<T>(network: Network, storeId: IdLike, options: CellOptions<T> = {}): CellWriter<T> {
    return Cell.writer(network, storeId, options)
  }
}

/** A cell declared once and opened on any network (mosaik `CollectionDef` / `collection!`). */
export interface CellDef<T> {
  readonly kind: 'cell'
  readonly storeId: StoreId
  readonly options: Readonly<CellOptions<T>>
  writer(network: Network): CellWriter<T>
  reader(network: Network): CellReader<T>
}

/**
 * Declares a cell: its store id and the options every member must share.
 *
 * ```ts
 * const Config = defineCell<AppConfig>('app.config', { typeName: 'AppConfig' })
 * const w = Config.writer(network)   // elsewhere: Config.reader(otherNetwork)
 * ```
 */
export function defineCell<T>(storeId: IdLike, options: CellOptions<T> = {}): CellDef<T> {
  const id = UniqueId.from(storeId)
  const frozen = Object.freeze({ ...options })
  return Object.freeze({
    kind: 'cell' as const,
    storeId: id,
    options: frozen,
    writer: (network: Network) => Cell.writer<T>(network, id, frozen),
    reader: (network: Network) => Cell.reader<T>(network, id, frozen),
  })
}
