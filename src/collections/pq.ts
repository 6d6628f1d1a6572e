import type { StandardSchemaV1 } from '@standard-schema/spec'
import { CellError } from '../core/errors.js'
import type { IdLike, StoreId, Version } from '../core/id.js'
import { UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import { prepareAll, prepareKey, prepareValue } from './collection-input.js'
import { CollectionReaderHandle } from './collection-reader.js'
import type { CollectionOptionsBase, CollectionReader, CollectionSnapshot } from './collection-types.js'
import {
  comparePriorities as defaultCompare,
  type PqBound,
  type PqCommand,
  type PqEntry,
  type PqItem,
  PqMachine,
} from './pq-machine.js'

/** Options of a priority queue; every member must agree on type names, `capacity`, `sync` and `consensus`. */
export type PriorityQueueOptions<P, K, V> = CollectionOptionsBase & {
  /** Validates values (local writes and every value a peer sends). */
  schema?: StandardSchemaV1<V>
  keySchema?: StandardSchemaV1<K>
  prioritySchema?: StandardSchemaV1<P>
  keyTypeName?: string
  priorityTypeName?: string
  /** At most this many entries: an insert past it evicts the lowest priority (mosaik's `BoundedPriorityQueue`). Part of the group id. */
  capacity?: number
  /**
   * Orders priorities; default `comparePriorities` (numbers, bigints, strings, arrays of them).
   * Must be pure and the same on every member (it is not part of the group id: name it in `priorityTypeName`).
   */
  compare?: (a: P, b: P) => number
}

/** Which priorities `removeRange` removes: at most one lower and one upper bound; none = all. */
export interface PriorityRange<P> {
  gt?: P
  gte?: P
  lt?: P
  lte?: P
}

/** `[priority, key, value]`, as mosaik's iterators yield. */
export type PriorityEntry<P, K, V> = readonly [P, K, V]

export interface PriorityQueueSnapshot<P, K, V> extends CollectionSnapshot {
  /** Entries by ascending priority at this version, frozen (made on first read). */
  readonly value: readonly PriorityEntry<P, K, V>[]
}

/** The read side of a replicated double-ended priority queue (mosaik `PriorityQueueReader`). */
export interface PriorityQueueReader<P, K, V> extends CollectionReader<PriorityQueueSnapshot<P, K, V>> {
  get(key: K): V | undefined
  getPriority(key: K): P | undefined
  containsKey(key: K): boolean
  /** The first entry of the lowest priority. */
  getMin(): PriorityEntry<P, K, V> | undefined
  /** The first entry of the highest priority. */
  getMax(): PriorityEntry<P, K, V> | undefined
  minPriority(): P | undefined
  maxPriority(): P | undefined
  iter(): PriorityEntry<P, K, V>[]
  iterAsc(): PriorityEntry<P, K, V>[]
  iterDesc(): PriorityEntry<P, K, V>[]
}

/** The write side (mosaik `PriorityQueueWriter`): each write resolves with the version it committed at. */
export interface PriorityQueueWriter<P, K, V> extends PriorityQueueReader<P, K, V> {
  /** Sets `key`'s priority and value (an existing key moves to its new priority). */
  insert(priority: P, key: K, value: V): Promise<Version>
  /** Inserts every triple in one command; an empty list commits nothing. */
  extend(entries: Iterable<readonly [P, K, V]>): Promise<Version>
  /** Moves a present key; an absent key commits and changes nothing. */
  updatePriority(key: K, priority: P): Promise<Version>
  /** Replaces a present key's value, keeping its priority; absent: a committed no-op. */
  updateValue(key: K, value: V): Promise<Version>
  /** If `key` is present with value `expected` (canonical CBOR), sets `next` (`undefined` removes it). */
  compareExchangeValue(key: K, expected: V, next: V | undefined): Promise<Version>
  remove(key: K): Promise<Version>
  removeKeys(keys: Iterable<K>): Promise<Version>
  removeRange(range: PriorityRange<P>): Promise<Version>
  clear(): Promise<Version>
}

const triple = <P, K, V>(e: PqEntry<P, K, V>): PriorityEntry<P, K, V> => [e.priority, e.key, e.value]

class PqReaderHandle<P, K, V>
  extends CollectionReaderHandle<PqCommand, PqItem, PqMachine<P, K, V>, PriorityQueueSnapshot<P, K, V>>
  implements PriorityQueueReader<P, K, V>
{
  protected readonly options: PriorityQueueOptions<P, K, V>

  constructor(network: Network, storeId: IdLike, options: PriorityQueueOptions<P, K, V>, writer: boolean) {
    super(
      'pq',
      network,
      UniqueId.from(storeId),
      options,
      (id) =>
        new PqMachine<P, K, V>({
          storeId: id,
          typeNames: [
            options.priorityTypeName ?? 'unknown',
            options.keyTypeName ?? 'unknown',
            options.typeName ?? 'unknown',
          ],
          writer,
          schema: options.schema,
          keySchema: options.keySchema,
          prioritySchema: options.prioritySchema,
          capacity: options.capacity,
          compare: options.compare,
        }),
      writer,
    )
    this.options = options
  }

  get(key: K): V | undefined {
    return this.machine.entry(key)?.value
  }

  getPriority(key: K): P | undefined {
    return this.machine.entry(key)?.priority
  }

  containsKey(key: K): boolean {
    return this.machine.entry(key) !== undefined
  }

  getMin(): PriorityEntry<P, K, V> | undefined {
    const e = this.machine.min()
    return e && triple(e)
  }

  getMax(): PriorityEntry<P, K, V> | undefined {
    const e = this.machine.max()
    return e && triple(e)
  }

  minPriority(): P | undefined {
    return this.machine.min()?.priority
  }

  maxPriority(): P | undefined {
    return this.machine.max()?.priority
  }

  iter(): PriorityEntry<P, K, V>[] {
    return this.iterAsc()
  }

  iterAsc(): PriorityEntry<P, K, V>[] {
    return this.machine.ascending().map(triple)
  }

  /** Highest priority first; entries of one priority stay in their bucket order, as in mosaik. */
  iterDesc(): PriorityEntry<P, K, V>[] {
    const asc = this.machine.ascending()
    const out: PriorityEntry<P, K, V>[] = []
    let end = asc.length
    while (end > 0) {
      let start = end - 1
      const compare = this.options.compare ?? defaultCompare
      while (
        start > 0 &&
        compare((asc[start - 1] as PqEntry<P, K, V>).priority, (asc[end - 1] as PqEntry<P, K, V>).priority) === 0
      )
        start--
      for (let i = start; i < end; i++) out.push(triple(asc[i] as PqEntry<P, K, V>))
      end = start
    }
    return out
  }

  protected snapshotFields(base: CollectionSnapshot): PriorityQueueSnapshot<P, K, V> {
    const machine = this.machine
    let value: readonly PriorityEntry<P, K, V>[] | undefined
    return Object.defineProperty({ ...base } as PriorityQueueSnapshot<P, K, V>, 'value', {
      enumerable: true,
      get: () => {
        value ??= Object.freeze(machine.ascending().map(triple))
        return value
      },
    })
  }
}

class PqWriterHandle<P, K, V> extends PqReaderHandle<P, K, V> implements PriorityQueueWriter<P, K, V> {
  insert(priority: P, key: K, value: V): Promise<Version> {
    const carried: [P, K, V] = [priority, key, value]
    const t = this.#triple(priority, key, value, carried)
    if (t instanceof CellError) return Promise.reject(t)
    return this.execute({ type: 'insert', priority: t[0], key: t[1], value: t[2] }, carried)
  }

  extend(entries: Iterable<readonly [P, K, V]>): Promise<Version> {
    const list = [...entries]
    const out: PqItem[] = []
    for (const [p, k, v] of list) {
      const t = this.#triple(p, k, v, list)
      if (t instanceof CellError) return Promise.reject(t)
      out.push(t)
    }
    if (out.length === 0) return this.unchanged(list)
    return this.execute({ type: 'extend', entries: out }, list)
  }

  updatePriority(key: K, priority: P): Promise<Version> {
    const carried: [K, P] = [key, priority]
    const k = prepareKey(this.options.keySchema, key, carried)
    if (k instanceof CellError) return Promise.reject(k)
    const p = this.#priority(priority, carried)
    if (p instanceof CellError) return Promise.reject(p)
    return this.execute({ type: 'updatePriority', key: k, priority: p }, carried)
  }

  updateValue(key: K, value: V): Promise<Version> {
    const carried: [K, V] = [key, value]
    const k = prepareKey(this.options.keySchema, key, carried)
    if (k instanceof CellError) return Promise.reject(k)
    const v = prepareValue(this.options.schema, value, carried)
    if (v instanceof CellError) return Promise.reject(v)
    return this.execute({ type: 'updateValue', key: k, value: v }, carried)
  }

  compareExchangeValue(key: K, expected: V, next: V | undefined): Promise<Version> {
    const carried: [K, V, V | undefined] = [key, expected, next]
    const k = prepareKey(this.options.keySchema, key, carried)
    if (k instanceof CellError) return Promise.reject(k)
    const e = prepareValue(undefined, expected, carried, 'expected value')
    if (e instanceof CellError) return Promise.reject(e)
    let n: Uint8Array | null = null
    if (next !== undefined) {
      const bytes = prepareValue(this.options.schema, next, carried, 'next value')
      if (bytes instanceof CellError) return Promise.reject(bytes)
      n = bytes
    }
    return this.execute({ type: 'compareExchangeValue', key: k, expected: e, next: n }, carried)
  }

  remove(key: K): Promise<Version> {
    const k = prepareKey(undefined, key, key)
    if (k instanceof CellError) return Promise.reject(k)
    return this.execute({ type: 'removeKeys', keys: [k] }, key)
  }

  removeKeys(keys: Iterable<K>): Promise<Version> {
    const list = [...keys]
    const bytes = prepareAll(list, (k) => prepareKey(undefined, k, list))
    if (bytes instanceof CellError) return Promise.reject(bytes)
    if (bytes.length === 0) return this.unchanged(list)
    return this.execute({ type: 'removeKeys', keys: bytes }, list)
  }

  removeRange(range: PriorityRange<P>): Promise<Version> {
    if (range.gt !== undefined && range.gte !== undefined)
      return this.refuse('invalid', 'a range takes at most one of gt and gte', range)
    if (range.lt !== undefined && range.lte !== undefined)
      return this.refuse('invalid', 'a range takes at most one of lt and lte', range)
    const bound = (value: P | undefined, kind: 'included' | 'excluded'): PqBound | CellError<PriorityRange<P>> => {
      if (value === undefined) return { kind: 'unbounded' }
      const bytes = this.#priority(value, range)
      return bytes instanceof CellError ? bytes : { kind, priority: bytes }
    }
    const start = range.gt !== undefined ? bound(range.gt, 'excluded') : bound(range.gte, 'included')
    if (start instanceof CellError) return Promise.reject(start)
    const end = range.lt !== undefined ? bound(range.lt, 'excluded') : bound(range.lte, 'included')
    if (end instanceof CellError) return Promise.reject(end)
    return this.execute({ type: 'removeRange', start, end }, range)
  }

  clear(): Promise<Version> {
    return this.execute({ type: 'clear' }, undefined)
  }

  #priority<C>(priority: P, carried: C): Uint8Array | CellError<C> {
    try {
      ;(this.options.compare ?? defaultCompare)(priority, priority)
    } catch (err) {
      return new CellError('invalid', `priority refused: ${(err as Error).message}`, carried)
    }
    return prepareValue(this.options.prioritySchema, priority, carried, 'priority')
  }

  #triple<C>(p: P, k: K, v: V, carried: C): PqItem | CellError<C> {
    const pb = this.#priority(p, carried)
    if (pb instanceof CellError) return pb
    const kb = prepareKey(this.options.keySchema, k, carried)
    if (kb instanceof CellError) return kb
    const vb = prepareValue(this.options.schema, v, carried)
    if (vb instanceof CellError) return vb
    return [pb, kb, vb]
  }
}

/**
 * A replicated double-ended priority queue (mosaik `collections::PriorityQueue`, and
 * `BoundedPriorityQueue` with `capacity`): unique keys with a priority and a value.
 */
export class PriorityQueue {
  private constructor() {}

  static writer<P, K, V>(
    network: Network,
    storeId: IdLike,
    options: PriorityQueueOptions<P, K, V> = {},
  ): PriorityQueueWriter<P, K, V> {
    return new PqWriterHandle<P, K, V>(network, storeId, options, true)
  }

  static reader<P, K, V>(
    network: Network,
    storeId: IdLike,
    options: PriorityQueueOptions<P, K, V> = {},
  ): PriorityQueueReader<P, K, V> {
    return new PqReaderHandle<P, K, V>(network, storeId, options, false)
  }

  /** Alias of `writer`. */
  static new<P, K, V>(
    network: Network,
    storeId: IdLike,
    options: PriorityQueueOptions<P, K, V> = {},
  ): PriorityQueueWriter<P, K, V> {
    return PriorityQueue.writer(network, storeId, options)
  }
}

export interface PriorityQueueDef<P, K, V> {
  readonly kind: 'pq'
  readonly storeId: StoreId
  readonly options: Readonly<PriorityQueueOptions<P, K, V>>
  writer(network: Network): PriorityQueueWriter<P, K, V>
  reader(network: Network): PriorityQueueReader<P, K, V>
}

/** Declares a priority queue: its store id and the options every member must share. */
export function definePriorityQueue<P, K, V>(
  storeId: IdLike,
  options: PriorityQueueOptions<P, K, V> = {},
): PriorityQueueDef<P, K, V> {
  const id = UniqueId.from(storeId)
  const frozen = Object.freeze({ ...options })
  return Object.freeze({
    kind: 'pq' as const,
    storeId: id,
    options: frozen,
    writer: (network: Network) => PriorityQueue.writer<P, K, V>(network, id, frozen),
    reader: (network: Network) => PriorityQueue.reader<P, K, V>(network, id, frozen),
  })
}
