/**
 * The pure replicated state of a `PriorityQueue<P, K, V>` (mosaik's double-ended
 * priority queue, `DepqStateMachine`): unique keys, each with a priority and a value,
 * ordered by priority; entries of one priority keep the order they got it in.
 *
 * | command                | effect                                                          |
 * |------------------------|-----------------------------------------------------------------|
 * | `insert`               | sets `key` to (`priority`, `value`), moving it to its new bucket |
 * | `extend`               | inserts every triple in order                                   |
 * | `updatePriority`       | moves a present key to `priority` (absent: no-op)               |
 * | `updateValue`          | replaces a present key's value (absent: no-op)                  |
 * | `compareExchangeValue` | if a present key's value equals `expected`, sets `next` (`null` removes) |
 * | `removeKeys`           | removes each key that is present                                |
 * | `removeRange`          | removes every entry whose priority is within the bounds         |
 * | `clear`                | removes every entry                                             |
 *
 * With a `capacity`, every insert that leaves more entries than that evicts the first entry
 * of the lowest priority (the new one, if it is the lowest), as mosaik's bounded queue does.
 * Priorities compare with `comparePriorities` (numbers, bigints, strings, and arrays of
 * them, lexicographically) or the queue's own comparator, which every member must share.
 */
import { bytesEqual, decode, encodeCanonical } from '../core/codec.js'
import type { Snapshot } from '../groups/types.js'
import {
  arraySnapshot,
  bytesField,
  bytesListField,
  CollectionMachine,
  type CollectionMachineOptions,
  commandRecord,
  hexOf,
  optionalBytesField,
  Refused,
  type Schema,
} from './collection-machine.js'
import { keyId } from './map-machine.js'
import { checkValue, decodeValue } from './value.js'

/** One end of a priority range: the bound's priority bytes, or none. */
export type PqBound =
  | { readonly kind: 'included' | 'excluded'; readonly priority: Uint8Array }
  | { readonly kind: 'unbounded' }

export type PqCommand =
  | { readonly type: 'insert'; readonly priority: Uint8Array; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'extend'; readonly entries: readonly (readonly [Uint8Array, Uint8Array, Uint8Array])[] }
  | { readonly type: 'updatePriority'; readonly key: Uint8Array; readonly priority: Uint8Array }
  | { readonly type: 'updateValue'; readonly key: Uint8Array; readonly value: Uint8Array }
  | {
      readonly type: 'compareExchangeValue'
      readonly key: Uint8Array
      readonly expected: Uint8Array
      readonly next: Uint8Array | null
    }
  | { readonly type: 'removeKeys'; readonly keys: readonly Uint8Array[] }
  | { readonly type: 'removeRange'; readonly start: PqBound; readonly end: PqBound }
  | { readonly type: 'clear' }

/** A snapshot item: priority, key (canonical) and value bytes, in ascending order. */
export type PqItem = readonly [Uint8Array, Uint8Array, Uint8Array]

export interface PqEntry<P, K, V> {
  readonly priority: P
  readonly priorityBytes: Uint8Array
  readonly key: K
  readonly keyBytes: Uint8Array
  readonly value: V
  readonly valueBytes: Uint8Array
}

interface Bucket<P, K, V> {
  readonly priority: P
  readonly entries: Map<string, PqEntry<P, K, V>>
}

export interface PqMachineOptions<P, K, V> extends CollectionMachineOptions {
  readonly prioritySchema?: Schema<P>
  readonly keySchema?: Schema<K>
  readonly schema?: Schema<V>
  readonly capacity?: number
  readonly compare?: (a: P, b: P) => number
}

export const PQ_SIGNATURE_PREFIX = 'mosaik_collections_depq'

/**
 * The default order of priorities: numbers and bigints numerically, strings by UTF-16 code
 * units, arrays lexicographically; numbers before strings before arrays. Throws for
 * anything else (NaN included), which refuses the command on every replica alike.
 */
export function comparePriorities(a: unknown, b: unknown): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 2) {
    const x = a as unknown[]
    const y = b as unknown[]
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = comparePriorities(x[i], y[i])
      if (c !== 0) return c
    }
    return x.length - y.length
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
}

function rank(v: unknown): number {
  if ((typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'bigint') return 0
  if (typeof v === 'string') return 1
  if (Array.isArray(v)) return 2
  throw new TypeError('a priority must be a number, bigint, string or an array of them')
}

export class PqMachine<P, K, V> extends CollectionMachine<PqCommand, PqItem> {
  readonly #o: PqMachineOptions<P, K, V>
  readonly #compare: (a: P, b: P) => number
  #byKey = new Map<string, PqEntry<P, K, V>>()
  #buckets: Bucket<P, K, V>[] = []
  #ascending: readonly PqEntry<P, K, V>[] | undefined

  constructor(options: PqMachineOptions<P, K, V>) {
    super(PQ_SIGNATURE_PREFIX, {
      ...options,
      typeNames: [...options.typeNames, `capacity:${options.capacity ?? 'unbounded'}`],
    })
    this.#o = options
    this.#compare = options.compare ?? comparePriorities
  }

  size(): number {
    return this.#byKey.size
  }

  entry(key: K): PqEntry<P, K, V> | undefined {
    const id = keyId(key)
    return id === undefined ? undefined : this.#byKey.get(id)
  }

  min(): PqEntry<P, K, V> | undefined {
    return this.#buckets[0]?.entries.values().next().value
  }

  max(): PqEntry<P, K, V> | undefined {
    return this.#buckets.at(-1)?.entries.values().next().value
  }

  /** Entries by ascending priority (bucket order within one priority); frozen, the same array until the next change. */
  ascending(): readonly PqEntry<P, K, V>[] {
    this.#ascending ??= Object.freeze(this.#buckets.flatMap((b) => [...b.entries.values()]))
    return this.#ascending
  }

  createSnapshot(): Snapshot<PqItem> {
    return arraySnapshot(this.ascending().map((e) => [e.priorityBytes, e.keyBytes, e.valueBytes] as const))
  }

  protected replaceWith(items: Iterable<PqItem>): void {
    this.#reset()
    for (const item of items) {
      try {
        if (!Array.isArray(item) || item.length !== 3)
          throw new Refused('malformed', 'not a [priority, key, value] item')
        this.#insert(this.#decodeEntry(item[0], item[1], item[2]))
      } catch (err) {
        if (!(err instanceof Refused)) throw err
        this.reject('Snapshot', err.kind, err.message)
      }
    }
  }

  protected applyOne(command: unknown): void {
    const cmd = commandRecord(command)
    this.#ascending = undefined
    switch (cmd.type) {
      case 'insert':
        this.#insert(this.#decodeEntry(cmd.priority, cmd.key, cmd.value))
        return
      case 'extend': {
        const raw = cmd.entries
        if (!Array.isArray(raw)) throw new Refused('malformed', 'entries is not a list')
        const entries = raw.map((t: unknown) => {
          if (!Array.isArray(t) || t.length !== 3) throw new Refused('malformed', 'not a [priority, key, value] triple')
          return this.#decodeEntry(t[0], t[1], t[2])
        })
        for (const e of entries) this.#insert(e)
        return
      }
      case 'updatePriority': {
        const key = this.#decodeKey(bytesField(cmd, 'key'))
        const p = this.#decodePriority(bytesField(cmd, 'priority'))
        const old = this.#byKey.get(hexOf(key.bytes))
        if (old) this.#insert({ ...old, priority: p.value, priorityBytes: p.bytes })
        return
      }
      case 'updateValue': {
        const key = this.#decodeKey(bytesField(cmd, 'key'))
        const v = this.#decodeValue(bytesField(cmd, 'value'))
        const old = this.#byKey.get(hexOf(key.bytes))
        if (old) this.#insert({ ...old, value: v.value, valueBytes: v.bytes })
        return
      }
      case 'compareExchangeValue': {
        const key = this.#decodeKey(bytesField(cmd, 'key'))
        const expected = bytesField(cmd, 'expected')
        const nextBytes = optionalBytesField(cmd, 'next')
        const next = nextBytes === null ? undefined : this.#decodeValue(nextBytes)
        const id = hexOf(key.bytes)
        const old = this.#byKey.get(id)
        if (!old || !sameValue(old.value, expected)) return
        if (next) this.#insert({ ...old, value: next.value, valueBytes: next.bytes })
        else this.#remove(id)
        return
      }
      case 'removeKeys':
        for (const k of bytesListField(cmd, 'keys').map((b) => hexOf(this.#decodeKey(b, false).bytes))) this.#remove(k)
        return
      case 'removeRange': {
        const start = this.#bound(cmd.start)
        const end = this.#bound(cmd.end)
        const doomed: string[] = []
        for (const b of this.#buckets) {
          if (
            start &&
            (start.excluded ? this.#compare(b.priority, start.p) <= 0 : this.#compare(b.priority, start.p) < 0)
          )
            continue
          if (end && (end.excluded ? this.#compare(b.priority, end.p) >= 0 : this.#compare(b.priority, end.p) > 0))
            break
          doomed.push(...b.entries.keys())
        }
        for (const id of doomed) this.#remove(id)
        return
      }
      case 'clear':
        this.#reset()
        return
      default:
        throw new Refused('malformed', `unknown priority queue command ${cmd.type.slice(0, 32)}`)
    }
  }

  #reset(): void {
    this.#byKey = new Map()
    this.#buckets = []
    this.#ascending = undefined
  }

  /** Sets an entry (moving it out of its old bucket to the end of its new one), then evicts past capacity. */
  #insert(e: PqEntry<P, K, V>): void {
    const id = hexOf(e.keyBytes)
    this.#remove(id)
    this.#byKey.set(id, e)
    const at = this.#search(e.priority)
    const bucket = this.#buckets[at]
    if (bucket && this.#compare(bucket.priority, e.priority) === 0) bucket.entries.set(id, e)
    else this.#buckets.splice(at, 0, { priority: e.priority, entries: new Map([[id, e]]) })
    const cap = this.#o.capacity
    while (cap !== undefined && this.#byKey.size > cap) {
      const lowest = this.#buckets[0]?.entries.keys().next().value
      if (lowest === undefined) break
      this.#remove(lowest)
    }
    this.#ascending = undefined
  }

  #remove(id: string): void {
    const old = this.#byKey.get(id)
    if (!old) return
    this.#byKey.delete(id)
    const at = this.#search(old.priority)
    const bucket = this.#buckets[at]
    if (!bucket) return
    bucket.entries.delete(id)
    if (bucket.entries.size === 0) this.#buckets.splice(at, 1)
    this.#ascending = undefined
  }

  /** The index of the first bucket whose priority is not below `p`. */
  #search(p: P): number {
    let lo = 0
    let hi = this.#buckets.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.#compare((this.#buckets[mid] as Bucket<P, K, V>).priority, p) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  #bound(raw: unknown): { p: P; excluded: boolean } | undefined {
    if (typeof raw !== 'object' || raw === null) throw new Refused('malformed', 'a range bound is not a record')
    const b = raw as Record<string, unknown>
    if (b.kind === 'unbounded') return undefined
    if (b.kind !== 'included' && b.kind !== 'excluded') throw new Refused('malformed', 'unknown range bound')
    return { p: this.#decodePriority(bytesField(b, 'priority')).value, excluded: b.kind === 'excluded' }
  }

  #decodeEntry(p: unknown, k: unknown, v: unknown): PqEntry<P, K, V> {
    const priority = this.#decodePriority(p)
    const key = this.#decodeKey(k)
    const value = this.#decodeValue(v)
    return {
      priority: priority.value,
      priorityBytes: priority.bytes,
      key: key.value,
      keyBytes: key.bytes,
      value: value.value,
      valueBytes: value.bytes,
    }
  }

  #decodePriority(bytes: unknown): { value: P; bytes: Uint8Array } {
    const checked = decodeValue(this.#o.prioritySchema, bytes)
    if (!checked.ok) throw new Refused(checked.kind, `priority: ${checked.detail}`)
    try {
      this.#compare(checked.value, checked.value)
    } catch (err) {
      throw new Refused('invalid', `priority: ${(err as Error).message}`)
    }
    return { value: checked.value, bytes: bytes as Uint8Array }
  }

  #decodeKey(bytes: unknown, checked = true): { value: K; bytes: Uint8Array } {
    if (!(bytes instanceof Uint8Array)) throw new Refused('malformed', 'key is not a byte string')
    let raw: unknown
    let canonical: Uint8Array
    try {
      raw = decode(bytes)
      canonical = encodeCanonical(raw)
    } catch (err) {
      throw new Refused('encoding', `key: ${(err as Error).message}`)
    }
    const result = checkValue(checked ? this.#o.keySchema : undefined, raw)
    if (!result.ok) throw new Refused(result.kind, `key: ${result.detail}`)
    return { value: result.value, bytes: canonical }
  }

  #decodeValue(bytes: unknown): { value: V; bytes: Uint8Array } {
    const checked = decodeValue(this.#o.schema, bytes)
    if (!checked.ok) throw new Refused(checked.kind, `value: ${checked.detail}`)
    return { value: checked.value, bytes: bytes as Uint8Array }
  }
}

function sameValue(current: unknown, expected: Uint8Array): boolean {
  const want = decodeValue(undefined, expected)
  if (!want.ok) return false
  try {
    return bytesEqual(encodeCanonical(current), encodeCanonical(want.value))
  } catch {
    return false
  }
}
