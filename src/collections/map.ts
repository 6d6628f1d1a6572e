import type { StandardSchemaV1 } from '@standard-schema/spec'
import { CellError } from '../core/errors.js'
import type { IdLike, StoreId, Version } from '../core/id.js'
import { UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import { prepareAll, prepareKey, prepareValue } from './collection-input.js'
import { CollectionReaderHandle } from './collection-reader.js'
import type { CollectionOptionsBase, CollectionReader, CollectionSnapshot } from './collection-types.js'
import { type MapCommand, type MapItem, MapMachine, type MapView } from './map-machine.js'

/** Options of a map; every member must agree on the type names, `sync` and `consensus`. */
export type MapOptions<K, V> = CollectionOptionsBase & {
  /** Validates local values and every value a peer sends. */
  schema?: StandardSchemaV1<V>
  /** Validates local keys and every key a peer sends. */
  keySchema?: StandardSchemaV1<K>
  /** Part of the group id, like Rust's `type_name::<K>()`; default 'unknown'. */
  keyTypeName?: string
}

/** A map replica's snapshot: `value` is an immutable view at this version (O(1) to take). */
export interface MapSnapshot<K, V> extends CollectionSnapshot {
  readonly value: ReadonlyMap<K, V>
}

/** The read side of a replicated map (mosaik `MapReader`). Reads are local. */
export interface MapReader<K, V> extends CollectionReader<MapSnapshot<K, V>> {
  get(key: K): V | undefined
  containsKey(key: K): boolean
  /** Keys, values and entries in the same order on every replica (first insertion). */
  keys(): IterableIterator<K>
  values(): IterableIterator<V>
  entries(): IterableIterator<[K, V]>
  /** Did the compare-exchange committed at `version` swap here? `undefined` when unknown. */
  compareExchangeWon(version: Version): boolean | undefined
}

/** The write side (mosaik `MapWriter`): every write resolves with the version it committed at. */
export interface MapWriter<K, V> extends MapReader<K, V> {
  insert(key: K, value: V): Promise<Version>
  /** Inserts every pair in one command; an empty list commits nothing and resolves with the current version. */
  extend(entries: Iterable<readonly [K, V]>): Promise<Version>
  remove(key: K): Promise<Version>
  removeMany(keys: Iterable<K>): Promise<Version>
  clear(): Promise<Version>
  /**
   * Sets `key` to `next` (`undefined` removes it) if its value is `expected` (`undefined` =
   * absent), compared as canonical CBOR. A mismatch still commits and changes nothing.
   */
  compareExchange(key: K, expected: V | undefined, next: V | undefined): Promise<Version>
  /**
   * Read-modify-write of one key: a compare-exchange loop that retries (at most `attempts`,
   * default 8) while other writers change the key first. `fn` may run several times.
   */
  update(key: K, fn: (current: V | undefined) => V | undefined, options?: { attempts?: number }): Promise<Version>
}

class MapReaderHandle<K, V>
  extends CollectionReaderHandle<MapCommand, MapItem, MapMachine<K, V>, MapSnapshot<K, V>>
  implements MapReader<K, V>
{
  protected readonly schema: StandardSchemaV1<V> | undefined
  protected readonly keySchema: StandardSchemaV1<K> | undefined

  constructor(network: Network, storeId: IdLike, options: MapOptions<K, V>, writer: boolean) {
    super(
      'map',
      network,
      UniqueId.from(storeId),
      options,
      (id) =>
        new MapMachine<K, V>({
          storeId: id,
          typeNames: [options.keyTypeName ?? 'unknown', options.typeName ?? 'unknown'],
          writer,
          schema: options.schema,
          keySchema: options.keySchema,
        }),
      writer,
    )
    this.schema = options.schema
    this.keySchema = options.keySchema
  }

  get(key: K): V | undefined {
    return this.machine.entry(key)?.value
  }

  containsKey(key: K): boolean {
    return this.machine.entry(key) !== undefined
  }

  keys(): IterableIterator<K> {
    return this.machine.view().keys()
  }

  values(): IterableIterator<V> {
    return this.machine.view().values()
  }

  entries(): IterableIterator<[K, V]> {
    return this.machine.view().entries()
  }

  compareExchangeWon(version: Version): boolean | undefined {
    return this.machine.swapped(version)
  }

  protected snapshotFields(base: CollectionSnapshot): MapSnapshot<K, V> {
    const machine = this.machine
    let view: MapView<K, V> | undefined
    // Taken on first read only: a view makes the next change copy the map, and most
    // readers (per-key selectors) never need one.
    return Object.defineProperty({ ...base } as MapSnapshot<K, V>, 'value', {
      enumerable: true,
      get: () => {
        // A snapshot read after the replica moved on shows the live state (it is stale anyway).
        view ??= machine.view()
        return view
      },
    })
  }
}

class MapWriterHandle<K, V> extends MapReaderHandle<K, V> implements MapWriter<K, V> {
  insert(key: K, value: V): Promise<Version> {
    const carried: [K, V] = [key, value]
    const k = prepareKey(this.keySchema, key, carried)
    if (k instanceof CellError) return Promise.reject(k)
    const v = prepareValue(this.schema, value, carried)
    if (v instanceof CellError) return Promise.reject(v)
    return this.execute({ type: 'insert', key: k, value: v }, carried)
  }

  extend(entries: Iterable<readonly [K, V]>): Promise<Version> {
    const list = [...entries]
    const carried = list.map(([k, v]) => [k, v] as [K, V])
    const pairs: (readonly [Uint8Array, Uint8Array])[] = []
    for (const [key, value] of list) {
      const k = prepareKey(this.keySchema, key, carried)
      if (k instanceof CellError) return Promise.reject(k)
      const v = prepareValue(this.schema, value, carried)
      if (v instanceof CellError) return Promise.reject(v)
      pairs.push([k, v])
    }
    if (pairs.length === 0) return this.unchanged(carried)
    return this.execute({ type: 'extend', entries: pairs }, carried)
  }

  remove(key: K): Promise<Version> {
    const k = prepareKey(this.keySchema, key, key)
    if (k instanceof CellError) return Promise.reject(k)
    return this.execute({ type: 'removeMany', keys: [k] }, key)
  }

  removeMany(keys: Iterable<K>): Promise<Version> {
    const list = [...keys]
    const bytes = prepareAll(list, (k) => prepareKey(this.keySchema, k, list))
    if (bytes instanceof CellError) return Promise.reject(bytes)
    if (bytes.length === 0) return this.unchanged(list)
    return this.execute({ type: 'removeMany', keys: bytes }, list)
  }

  clear(): Promise<Version> {
    return this.execute({ type: 'clear' }, undefined)
  }

  compareExchange(key: K, expected: V | undefined, next: V | undefined): Promise<Version> {
    const carried: [K, V | undefined, V | undefined] = [key, expected, next]
    const k = prepareKey(this.keySchema, key, carried)
    if (k instanceof CellError) return Promise.reject(k)
    let e: Uint8Array | null = null
    if (expected !== undefined) {
      // Only compared, never stored: no schema, just an encoding.
      const bytes = prepareValue(undefined, expected, carried, 'expected value')
      if (bytes instanceof CellError) return Promise.reject(bytes)
      e = bytes
    }
    let n: Uint8Array | null = null
    if (next !== undefined) {
      const bytes = prepareValue(this.schema, next, carried, 'next value')
      if (bytes instanceof CellError) return Promise.reject(bytes)
      n = bytes
    }
    return this.execute({ type: 'compareExchange', key: k, expected: e, next: n }, carried)
  }

  async update(
    key: K,
    fn: (current: V | undefined) => V | undefined,
    options?: { attempts?: number },
  ): Promise<Version> {
    const attempts = Math.max(1, options?.attempts ?? 8)
    let next: V | undefined
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = this.get(key)
      next = fn(current)
      const version = await this.compareExchange(key, current, next)
      // This replica applied the entry itself (execute resolves after the local apply), so it knows.
      if (this.compareExchangeWon(version) !== false) return version
    }
    throw new CellError(
      'offline',
      `update lost the compare-exchange on this key to other writers ${attempts} time(s); retry later or raise attempts`,
      next,
    )
  }
}

/**
 * A replicated, unordered key-value map (mosaik `collections::Map`); also exported as
 * `collections.Map`. Named so it does not shadow the global `Map`.
 */
export class ReplicatedMap {
  private constructor() {}

  /** Joins as a writer: a `normal` member that may lead, with read and write access. */
  static writer<K, V>(network: Network, storeId: IdLike, options: MapOptions<K, V> = {}): MapWriter<K, V> {
    return new MapWriterHandle<K, V>(network, storeId, options, true)
  }

  /** Joins as a reader: an `observer` that never leads or votes. */
  static reader<K, V>(network: Network, storeId: IdLike, options: MapOptions<K, V> = {}): MapReader<K, V> {
    return new MapReaderHandle<K, V>(network, storeId, options, false)
  }

  /** Alias of `writer`. */
  static new<K, V>(network: Network, storeId: IdLike, options: MapOptions<K, V> = {}): MapWriter<K, V> {
    return ReplicatedMap.writer(network, storeId, options)
  }
}

/** A map declared once and opened on any network (mosaik `collection!`). */
export interface MapDef<K, V> {
  readonly kind: 'map'
  readonly storeId: StoreId
  readonly options: Readonly<MapOptions<K, V>>
  writer(network: Network): MapWriter<K, V>
  reader(network: Network): MapReader<K, V>
}

/**
 * Declares a map: its store id and the options every member must share.
 *
 * ```ts
 * const Board = defineMap<string, Card>('app.board', { keyTypeName: 'string', typeName: 'Card' })
 * const w = Board.writer(network)
 * ```
 */
export function defineMap<K, V>(storeId: IdLike, options: MapOptions<K, V> = {}): MapDef<K, V> {
  const id = UniqueId.from(storeId)
  const frozen = Object.freeze({ ...options })
  return Object.freeze({
    kind: 'map' as const,
    storeId: id,
    options: frozen,
    writer: (network: Network) => ReplicatedMap.writer<K, V>(network, id, frozen),
    reader: (network: Network) => ReplicatedMap.reader<K, V>(network, id, frozen),
  })
}
