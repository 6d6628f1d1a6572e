import { CellError } from '../core/errors.js'
import type { IdLike, StoreId, Version } from '../core/id.js'
import { UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import { prepareAll, prepareKey } from './collection-input.js'
import { CollectionReaderHandle } from './collection-reader.js'
import type { CollectionOptions, CollectionReader, CollectionSnapshot } from './collection-types.js'
import { type SetCommand, SetMachine, type SetView } from './set-machine.js'

/** Options of a set; every member must agree on `typeName`, `sync` and `consensus`. */
export type SetOptions<T> = CollectionOptions<T>

/** A set replica's snapshot: `value` is an immutable view at this version. */
export interface SetSnapshot<T> extends CollectionSnapshot {
  readonly value: SetView<T>
}

/** The read side of a replicated set (mosaik `SetReader`). Reads are local. */
export interface SetReader<T> extends CollectionReader<SetSnapshot<T>> {
  contains(value: T): boolean
  /** Every element of this set is in `other` (as each replica holds them now). */
  isSubset(other: SetReader<T>): boolean
  /** Elements in the same order on every replica (first insertion). */
  values(): IterableIterator<T>
}

/** The write side (mosaik `SetWriter`). */
export interface SetWriter<T> extends SetReader<T> {
  insert(value: T): Promise<Version>
  /** Adds every value in one command; an empty list commits nothing and resolves with the current version. */
  extend(values: Iterable<T>): Promise<Version>
  remove(value: T): Promise<Version>
  removeMany(values: Iterable<T>): Promise<Version>
  clear(): Promise<Version>
}

class SetReaderHandle<T>
  extends CollectionReaderHandle<SetCommand, Uint8Array, SetMachine<T>, SetSnapshot<T>>
  implements SetReader<T>
{
  protected readonly schema: SetOptions<T>['schema']

  constructor(network: Network, storeId: IdLike, options: SetOptions<T>, writer: boolean) {
    super(
      'set',
      network,
      UniqueId.from(storeId),
      options,
      (id) =>
        new SetMachine<T>({ storeId: id, typeNames: [options.typeName ?? 'unknown'], writer, schema: options.schema }),
      writer,
    )
    this.schema = options.schema
  }

  contains(value: T): boolean {
    return this.machine.has(value)
  }

  isSubset(other: SetReader<T>): boolean {
    if (this.len() > other.len()) return false
    for (const v of this.values()) if (!other.contains(v)) return false
    return true
  }

  values(): IterableIterator<T> {
    return this.machine.view().values()
  }

  protected snapshotFields(base: CollectionSnapshot): SetSnapshot<T> {
    const machine = this.machine
    let view: SetView<T> | undefined
    // Taken on first read only: a view makes the next change copy the set.
    return Object.defineProperty({ ...base } as SetSnapshot<T>, 'value', {
      enumerable: true,
      get: () => {
        view ??= machine.view()
        return view
      },
    })
  }
}

class SetWriterHandle<T> extends SetReaderHandle<T> implements SetWriter<T> {
  insert(value: T): Promise<Version> {
    const bytes = prepareKey(this.schema, value, value)
    if (bytes instanceof CellError) return Promise.reject(bytes)
    return this.execute({ type: 'insert', value: bytes }, value)
  }

  extend(values: Iterable<T>): Promise<Version> {
    const list = [...values]
    const bytes = prepareAll(list, (v) => prepareKey(this.schema, v, list))
    if (bytes instanceof CellError) return Promise.reject(bytes)
    if (bytes.length === 0) return this.unchanged(list)
    return this.execute({ type: 'extend', values: bytes }, list)
  }

  remove(value: T): Promise<Version> {
    const bytes = prepareKey(undefined, value, value)
    if (bytes instanceof CellError) return Promise.reject(bytes)
    return this.execute({ type: 'removeMany', values: [bytes] }, value)
  }

  removeMany(values: Iterable<T>): Promise<Version> {
    const list = [...values]
    const bytes = prepareAll(list, (v) => prepareKey(undefined, v, list))
    if (bytes instanceof CellError) return Promise.reject(bytes)
    if (bytes.length === 0) return this.unchanged(list)
    return this.execute({ type: 'removeMany', values: bytes }, list)
  }

  clear(): Promise<Version> {
    return this.execute({ type: 'clear' }, undefined)
  }
}

/**
 * A replicated, unordered set (mosaik `collections::Set`); also exported as
 * `collections.Set`. Named so it does not shadow the global `Set`.
 */
export class ReplicatedSet {
  private constructor() {}

  static writer<T>(network: Network, storeId: IdLike, options: SetOptions<T> = {}): SetWriter<T> {
    return new SetWriterHandle<T>(network, storeId, options, true)
  }

  static reader<T>(network: Network, storeId: IdLike, options: SetOptions<T> = {}): SetReader<T> {
    return new SetReaderHandle<T>(network, storeId, options, false)
  }

  /** Alias of `writer`. */
  static new<T>(network: Network, storeId: IdLike, options: SetOptions<T> = {}): SetWriter<T> {
    return ReplicatedSet.writer(network, storeId, options)
  }
}

/** A set declared once and opened on any network. */
export interface SetDef<T> {
  readonly kind: 'set'
  readonly storeId: StoreId
  readonly options: Readonly<SetOptions<T>>
  writer(network: Network): SetWriter<T>
  reader(network: Network): SetReader<T>
}

/** Declares a set: its store id and the options every member must share. */
export function defineSet<T>(storeId: IdLike, options: SetOptions<T> = {}): SetDef<T> {
  const id = UniqueId.from(storeId)
  const frozen = Object.freeze({ ...options })
  return Object.freeze({
    kind: 'set' as const,
    storeId: id,
    options: frozen,
    writer: (network: Network) => ReplicatedSet.writer<T>(network, id, frozen),
    reader: (network: Network) => ReplicatedSet.reader<T>(network, id, frozen),
  })
}
