import { CellError } from '../core/errors.js'
import type { IdLike, StoreId, Version } from '../core/id.js'
import { UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import { prepareAll, prepareValue } from './collection-input.js'
import { CollectionReaderHandle } from './collection-reader.js'
import type { CollectionOptions, CollectionReader, CollectionSnapshot } from './collection-types.js'
import { type VecCommand, VecMachine } from './vec-machine.js'

export type VecOptions<T> = CollectionOptions<T>

/** A vec replica's snapshot: `value` is the frozen list at this version (made on first read). */
export interface VecSnapshot<T> extends CollectionSnapshot {
  readonly value: readonly T[]
}

/** The read side of a replicated vector (mosaik `VecReader`). Reads are local. */
export interface VecReader<T> extends CollectionReader<VecSnapshot<T>> {
  /** `undefined` when out of range. */
  get(index: number): T | undefined
  front(): T | undefined
  head(): T | undefined
  back(): T | undefined
  last(): T | undefined
  /** Compares canonical CBOR. O(n). */
  contains(value: T): boolean
  /** Index of the first equal element, `undefined` when absent. O(n). */
  indexOf(value: T): number | undefined
  /** The elements at this version, frozen (the same array until the next change). */
  values(): readonly T[]
}

/**
 * The write side (mosaik `VecWriter`). Indices must be non-negative integers (else a
 * `CellError('invalid')` and nothing is sent); `insert` past the local length is refused
 * the same way. Other indices past the end commit and change nothing, as in mosaik.
 */
export interface VecWriter<T> extends VecReader<T> {
  pushBack(value: T): Promise<Version>
  pushFront(value: T): Promise<Version>
  popBack(): Promise<Version>
  popFront(): Promise<Version>
  insert(index: number, value: T): Promise<Version>
  /** Appends every value in one command; an empty list commits nothing and resolves with the current version. */
  extend(values: Iterable<T>): Promise<Version>
  remove(index: number): Promise<Version>
  swap(i: number, j: number): Promise<Version>
  truncate(len: number): Promise<Version>
  clear(): Promise<Version>
}

class VecReaderHandle<T>
  extends CollectionReaderHandle<VecCommand, Uint8Array, VecMachine<T>, VecSnapshot<T>>
  implements VecReader<T>
{
  protected readonly schema: VecOptions<T>['schema']

  constructor(network: Network, storeId: IdLike, options: VecOptions<T>, writer: boolean) {
    super(
      'vec',
      network,
      UniqueId.from(storeId),
      options,
      (id) =>
        new VecMachine<T>({ storeId: id, typeNames: [options.typeName ?? 'unknown'], writer, schema: options.schema }),
      writer,
    )
    this.schema = options.schema
  }

  get(index: number): T | undefined {
    return this.machine.get(index)
  }

  front(): T | undefined {
    return this.machine.get(0)
  }

  head(): T | undefined {
    return this.front()
  }

  back(): T | undefined {
    return this.machine.get(this.machine.size() - 1)
  }

  last(): T | undefined {
    return this.back()
  }

  contains(value: T): boolean {
    return this.machine.indexOf(value) >= 0
  }

  indexOf(value: T): number | undefined {
    const i = this.machine.indexOf(value)
    return i < 0 ? undefined : i
  }

  values(): readonly T[] {
    return this.machine.values()
  }

  protected snapshotFields(base: CollectionSnapshot): VecSnapshot<T> {
    const machine = this.machine
    let values: readonly T[] | undefined
    return Object.defineProperty({ ...base } as VecSnapshot<T>, 'value', {
      enumerable: true,
      get: () => {
        values ??= machine.values()
        return values
      },
    })
  }
}

class VecWriterHandle<T> extends VecReaderHandle<T> implements VecWriter<T> {
  pushBack(value: T): Promise<Version> {
    return this.#valueCommand('pushBack', value)
  }

  pushFront(value: T): Promise<Version> {
    return this.#valueCommand('pushFront', value)
  }

  popBack(): Promise<Version> {
    return this.execute({ type: 'popBack' }, undefined)
  }

  popFront(): Promise<Version> {
    return this.execute({ type: 'popFront' }, undefined)
  }

  insert(index: number, value: T): Promise<Version> {
    const carried: [number, T] = [index, value]
    const bad = badIndex(index, carried) ?? this.#pastEnd(index, carried)
    if (bad) return Promise.reject(bad)
    const bytes = prepareValue(this.schema, value, carried)
    if (bytes instanceof CellError) return Promise.reject(bytes)
    return this.execute({ type: 'insert', index, value: bytes }, carried)
  }

  extend(values: Iterable<T>): Promise<Version> {
    const list = [...values]
    const bytes = prepareAll(list, (v) => prepareValue(this.schema, v, list))
    if (bytes instanceof CellError) return Promise.reject(bytes)
    if (bytes.length === 0) return this.unchanged(list)
    return this.execute({ type: 'extend', values: bytes }, list)
  }

  remove(index: number): Promise<Version> {
    const bad = badIndex(index, index)
    if (bad) return Promise.reject(bad)
    return this.execute({ type: 'remove', index }, index)
  }

  swap(i: number, j: number): Promise<Version> {
    const carried: [number, number] = [i, j]
    const bad = badIndex(i, carried) ?? badIndex(j, carried)
    if (bad) return Promise.reject(bad)
    return this.execute({ type: 'swap', i, j }, carried)
  }

  truncate(len: number): Promise<Version> {
    const bad = badIndex(len, len, 'length')
    if (bad) return Promise.reject(bad)
    return this.execute({ type: 'truncate', len }, len)
  }

  clear(): Promise<Version> {
    return this.execute({ type: 'clear' }, undefined)
  }

  #valueCommand(type: 'pushBack' | 'pushFront', value: T): Promise<Version> {
    const bytes = prepareValue(this.schema, value, value)
    if (bytes instanceof CellError) return Promise.reject(bytes)
    return this.execute({ type, value: bytes }, value)
  }

  #pastEnd<V>(index: number, carried: V): CellError<V> | undefined {
    const len = this.len()
    if (index <= len) return undefined
    return new CellError(
      'invalid',
      `index ${index} is out of range: insert needs an index up to the length (${len})`,
      carried,
    )
  }
}

/** A `CellError('invalid')` for an index that is not a non-negative safe integer. */
function badIndex<V>(index: number, carried: V, what = 'index'): CellError<V> | undefined {
  if (Number.isSafeInteger(index) && index >= 0) return undefined
  return new CellError(
    'invalid',
    `${what} ${String(index)} is out of range: it must be a non-negative integer`,
    carried,
  )
}

/** A replicated, ordered list (mosaik `collections::Vec`). */
export class Vec {
  private constructor() {}

  static writer<T>(network: Network, storeId: IdLike, options: VecOptions<T> = {}): VecWriter<T> {
    return new VecWriterHandle<T>(network, storeId, options, true)
  }

  static reader<T>(network: Network, storeId: IdLike, options: VecOptions<T> = {}): VecReader<T> {
    return new VecReaderHandle<T>(network, storeId, options, false)
  }

  /** Alias of `writer`. */
  static new<T>(network: Network, storeId: IdLike, options: VecOptions<T> = {}): VecWriter<T> {
    return Vec.writer(network, storeId, options)
  }
}

export interface VecDef<T> {
  readonly kind: 'vec'
  readonly storeId: StoreId
  readonly options: Readonly<VecOptions<T>>
  writer(network: Network): VecWriter<T>
  reader(network: Network): VecReader<T>
}

/** Declares a vector: its store id and the options every member must share. */
export function defineVec<T>(storeId: IdLike, options: VecOptions<T> = {}): VecDef<T> {
  const id = UniqueId.from(storeId)
  const frozen = Object.freeze({ ...options })
  return Object.freeze({
    kind: 'vec' as const,
    storeId: id,
    options: frozen,
    writer: (network: Network) => Vec.writer<T>(network, id, frozen),
    reader: (network: Network) => Vec.reader<T>(network, id, frozen),
  })
}
