/**
 * The pure replicated state of a `ReplicatedMap<K, V>` (mosaik `MapStateMachine`): keys
 * to values, changed only by committed commands.
 *
 * | command           | effect                                                                 |
 * |-------------------|------------------------------------------------------------------------|
 * | `insert`          | sets `key` to `value` (overwrites)                                     |
 * | `extend`          | inserts every pair in order (a later pair for the same key wins)       |
 * | `removeMany`      | removes each key that is present                                       |
 * | `clear`           | removes every entry                                                    |
 * | `compareExchange` | if `key`'s value (none = `null`) equals `expected`, sets it to `next` (`null` removes) |
 *
 * Keys are identified by their canonical CBOR bytes, so `{a, b}` and `{b, a}` are one key
 * and a key is equal on every replica whatever its JS identity. Iteration follows first
 * insertion (a removed and re-inserted key moves to the end) and is the same on every
 * replica, including those that installed a snapshot, which carries entries in that order.
 * A command with one bad key or value is refused whole: no entry of it is applied.
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
import { checkValue, decodeValue } from './value.js'

/** A committed map command; keys and values travel as CBOR bytes. */
export type MapCommand =
  | { readonly type: 'insert'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'extend'; readonly entries: readonly (readonly [Uint8Array, Uint8Array])[] }
  | { readonly type: 'removeMany'; readonly keys: readonly Uint8Array[] }
  | { readonly type: 'clear' }
  | {
      readonly type: 'compareExchange'
      readonly key: Uint8Array
      readonly expected: Uint8Array | null
      readonly next: Uint8Array | null
    }

/** One snapshot item: a key's canonical bytes and its value's bytes. */
export type MapItem = readonly [Uint8Array, Uint8Array]

/** One entry; replaced (never mutated) when its value changes, so unchanged entries keep identity. */
export interface MapEntry<K, V> {
  readonly key: K
  readonly keyBytes: Uint8Array
  readonly value: V
  readonly valueBytes: Uint8Array
}

export interface MapMachineOptions<K, V> extends CollectionMachineOptions {
  readonly keySchema?: Schema<K>
  readonly schema?: Schema<V>
}

/** The group-key prefix of every map; part of the signature, as in mosaik. */
export const MAP_SIGNATURE_PREFIX = 'mosaik_collections_map'

/** Compare-exchange outcomes a replica remembers. */
const SWAPS_KEPT = 4096

/** An immutable view of the map at one version (copy-on-write underneath: O(1) to take). */
export class MapView<K, V> implements ReadonlyMap<K, V> {
  readonly #data: ReadonlyMap<string, MapEntry<K, V>>
  constructor(data: ReadonlyMap<string, MapEntry<K, V>>) {
    this.#data = data
  }
  get size(): number {
    return this.#data.size
  }
  get(key: K): V | undefined {
    const id = keyId(key)
    return id === undefined ? undefined : this.#data.get(id)?.value
  }
  has(key: K): boolean {
    const id = keyId(key)
    return id !== undefined && this.#data.has(id)
  }
  *entries(): MapIterator<[K, V]> {
    for (const e of this.#data.values()) yield [e.key, e.value]
  }
  *keys(): MapIterator<K> {
    for (const e of this.#data.values()) yield e.key
  }
  *values(): MapIterator<V> {
    for (const e of this.#data.values()) yield e.value
  }
  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const e of this.#data.values()) fn(e.value, e.key, this)
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }
}

/** Applies map commands deterministically; see the module guide. */
export class MapMachine<K, V> extends CollectionMachine<MapCommand, MapItem> {
  readonly #keySchema: Schema<K>
  readonly #schema: Schema<V>
  #data = new Map<string, MapEntry<K, V>>()
  /** A view holds `#data`: copy it before the next change. */
  #shared = false
  /** Canonical bytes of values, computed on the first compare-exchange that needs them. */
  readonly #canonical = new WeakMap<MapEntry<K, V>, Uint8Array>()
  /** Whether each recent compare-exchange swapped, by log index (bounded, oldest dropped first). */
  readonly #swaps = new Map<number, boolean>()

  constructor(options: MapMachineOptions<K, V>) {
    super(MAP_SIGNATURE_PREFIX, options)
    this.#keySchema = options.keySchema
    this.#schema = options.schema
  }

  size(): number {
    return this.#data.size
  }

  /** The entry for `key`, `undefined` when absent or when the key cannot be encoded. */
  entry(key: K): MapEntry<K, V> | undefined {
    const id = keyId(key)
    return id === undefined ? undefined : this.#data.get(id)
  }

  /** An immutable view of the current state. */
  view(): MapView<K, V> {
    this.#shared = true
    return new MapView(this.#data)
  }

  createSnapshot(): Snapshot<MapItem> {
    const items: MapItem[] = []
    for (const e of this.#data.values()) items.push([e.keyBytes, e.valueBytes])
    return arraySnapshot(items)
  }

  protected replaceWith(items: Iterable<MapItem>): void {
    this.#data = new Map()
    this.#shared = false
    for (const item of items) {
      try {
        if (!Array.isArray(item) || item.length !== 2) throw new Refused('malformed', 'not a [key, value] pair')
        const e = this.#decodeEntry(item[0], item[1])
        this.#data.set(hexOf(e.keyBytes), e)
      } catch (err) {
        if (!(err instanceof Refused)) throw err
        this.reject('Snapshot', err.kind, err.message)
      }
    }
  }

  /** Did the compare-exchange committed at `version` swap? `undefined` when unknown here (snapshot, too old). */
  swapped(version: number): boolean | undefined {
    return this.#swaps.get(version)
  }

  protected applyOne(command: unknown, index: number): void {
    const cmd = commandRecord(command)
    switch (cmd.type) {
      case 'insert': {
        const e = this.#decodeEntry(bytesField(cmd, 'key'), bytesField(cmd, 'value'))
        this.#mutable().set(hexOf(e.keyBytes), e)
        return
      }
      case 'extend': {
        const raw = cmd.entries
        if (!Array.isArray(raw)) throw new Refused('malformed', 'entries is not a list')
        // Decode all first: one bad pair refuses the whole command.
        const entries = raw.map((pair: unknown) => {
          if (!Array.isArray(pair) || pair.length !== 2) throw new Refused('malformed', 'not a [key, value] pair')
          return this.#decodeEntry(pair[0], pair[1])
        })
        if (entries.length === 0) return
        const data = this.#mutable()
        for (const e of entries) data.set(hexOf(e.keyBytes), e)
        return
      }
      case 'removeMany': {
        const ids = bytesListField(cmd, 'keys').map((k) => hexOf(this.#decodeKey(k).bytes))
        if (!ids.some((id) => this.#data.has(id))) return
        const data = this.#mutable()
        for (const id of ids) data.delete(id)
        return
      }
      case 'clear':
        if (this.#data.size === 0) return
        this.#data = new Map()
        this.#shared = false
        return
      case 'compareExchange': {
        const key = this.#decodeKey(bytesField(cmd, 'key'))
        const expected = optionalBytesField(cmd, 'expected')
        const nextBytes = optionalBytesField(cmd, 'next')
        const next = nextBytes === null ? undefined : this.#decodeEntry(key.bytes, nextBytes, key.value)
        const id = hexOf(key.bytes)
        const swapped = this.#matches(this.#data.get(id), expected)
        this.#swaps.set(index, swapped)
        if (this.#swaps.size > SWAPS_KEPT) this.#swaps.delete(this.#swaps.keys().next().value as number)
        if (!swapped) return
        if (next) this.#mutable().set(id, next)
        else if (this.#data.has(id)) this.#mutable().delete(id)
        return
      }
      default:
        throw new Refused('malformed', `unknown map command ${cmd.type.slice(0, 32)}`)
    }
  }

  #mutable(): Map<string, MapEntry<K, V>> {
    if (this.#shared) {
      this.#data = new Map(this.#data)
      this.#shared = false
    }
    return this.#data
  }

  /** Current value vs `expected` by canonical bytes; absent matches only `null`. */
  #matches(current: MapEntry<K, V> | undefined, expected: Uint8Array | null): boolean {
    if (!current || expected === null) return !current && expected === null
    const want = decodeValue(undefined, expected)
    if (!want.ok) return false
    try {
      let have = this.#canonical.get(current)
      if (!have) {
        have = encodeCanonical(current.value)
        this.#canonical.set(current, have)
      }
      return bytesEqual(have, encodeCanonical(want.value))
    } catch {
      // Only odd values a peer crafted can get here; every replica answers the same.
      return false
    }
  }

  #decodeKey(bytes: unknown): { value: K; bytes: Uint8Array } {
    if (!(bytes instanceof Uint8Array)) throw new Refused('malformed', 'key is not a byte string')
    let raw: unknown
    let canonical: Uint8Array
    try {
      raw = decode(bytes)
      // The key's identity is its canonical encoding, recomputed here: a peer's bytes are not trusted.
      canonical = encodeCanonical(raw)
    } catch (err) {
      throw new Refused('encoding', `key: ${(err as Error).message}`)
    }
    const checked = checkValue(this.#keySchema, raw)
    if (!checked.ok) throw new Refused(checked.kind, `key: ${checked.detail}`)
    return { value: checked.value, bytes: canonical }
  }

  #decodeEntry(keyBytes: unknown, valueBytes: unknown, key?: K): MapEntry<K, V> {
    const k = key === undefined ? this.#decodeKey(keyBytes) : { value: key, bytes: keyBytes as Uint8Array }
    const checked = decodeValue(this.#schema, valueBytes)
    if (!checked.ok) throw new Refused(checked.kind, `value: ${checked.detail}`)
    return { key: k.value, keyBytes: k.bytes, value: checked.value, valueBytes: valueBytes as Uint8Array }
  }
}

/** The identity of `key` (hex of its canonical CBOR), `undefined` when it cannot be encoded. */
export function keyId(key: unknown): string | undefined {
  try {
    return hexOf(encodeCanonical(key))
  } catch {
    return undefined
  }
}
