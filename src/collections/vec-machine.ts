/**
 * The pure replicated state of a `Vec<T>` (mosaik `VecStateMachine`): an ordered list,
 * changed only by committed commands.
 *
 * | command     | effect                                                            |
 * |-------------|-------------------------------------------------------------------|
 * | `pushBack` / `pushFront` | appends / prepends `value`                           |
 * | `popBack` / `popFront`   | drops the last / first element (no-op when empty)    |
 * | `insert`    | inserts at `index`, shifting later elements; no-op past the end   |
 * | `extend`    | appends every value in order                                      |
 * | `remove`    | removes the element at `index`; no-op past the end                |
 * | `swap`      | swaps two elements; no-op unless both indices exist               |
 * | `truncate`  | keeps the first `len` elements                                    |
 * | `clear`     | removes every element                                             |
 *
 * Out-of-range indices are committed no-ops, the same on every replica (mosaik's
 * behaviour; an `insert` past the end, which panics there, is a no-op here). A command with
 * one bad element is refused whole.
 */
import { bytesEqual, encodeCanonical } from '../core/codec.js'
import type { Snapshot } from '../groups/types.js'
import {
  arraySnapshot,
  bytesField,
  bytesListField,
  CollectionMachine,
  type CollectionMachineOptions,
  commandRecord,
  indexField,
  Refused,
  type Schema,
} from './collection-machine.js'
import { decodeValue } from './value.js'

/** A committed vec command; elements travel as CBOR bytes, indices as integers. */
export type VecCommand =
  | { readonly type: 'pushBack' | 'pushFront'; readonly value: Uint8Array }
  | { readonly type: 'popBack' | 'popFront' | 'clear' }
  | { readonly type: 'insert'; readonly index: number; readonly value: Uint8Array }
  | { readonly type: 'extend'; readonly values: readonly Uint8Array[] }
  | { readonly type: 'remove'; readonly index: number }
  | { readonly type: 'swap'; readonly i: number; readonly j: number }
  | { readonly type: 'truncate'; readonly len: number }

interface Element<T> {
  readonly value: T
  readonly bytes: Uint8Array
}

export interface VecMachineOptions<T> extends CollectionMachineOptions {
  readonly schema?: Schema<T>
}

export const VEC_SIGNATURE_PREFIX = 'mosaik_collections_vec'

export class VecMachine<T> extends CollectionMachine<VecCommand, Uint8Array> {
  readonly #schema: Schema<T>
  #data: Element<T>[] = []
  /** The values as one frozen array, made on first read after a change. */
  #values: readonly T[] | undefined
  readonly #canonical = new WeakMap<Element<T>, Uint8Array>()

  constructor(options: VecMachineOptions<T>) {
    super(VEC_SIGNATURE_PREFIX, options)
    this.#schema = options.schema
  }

  size(): number {
    return this.#data.length
  }

  get(index: number): T | undefined {
    return Number.isSafeInteger(index) && index >= 0 ? this.#data[index]?.value : undefined
  }

  /** The elements at this version, frozen; the same array until the next change. */
  values(): readonly T[] {
    this.#values ??= Object.freeze(this.#data.map((e) => e.value))
    return this.#values
  }

  /** Index of the first element equal to `value` (canonical CBOR), or -1. O(n). */
  indexOf(value: T): number {
    let want: Uint8Array
    try {
      want = encodeCanonical(value)
    } catch {
      return -1
    }
    return this.#data.findIndex((e) => {
      let have = this.#canonical.get(e)
      if (!have) {
        try {
          have = encodeCanonical(e.value)
        } catch {
          return false
        }
        this.#canonical.set(e, have)
      }
      return bytesEqual(have, want)
    })
  }

  createSnapshot(): Snapshot<Uint8Array> {
    return arraySnapshot(this.#data.map((e) => e.bytes))
  }

  protected replaceWith(items: Iterable<Uint8Array>): void {
    this.#data = []
    this.#values = undefined
    for (const item of items) {
      const checked = decodeValue(this.#schema, item)
      if (checked.ok) this.#data.push({ value: checked.value, bytes: item })
      else this.reject('Snapshot', checked.kind, checked.detail)
    }
  }

  protected applyOne(command: unknown): void {
    const cmd = commandRecord(command)
    const len = this.#data.length
    switch (cmd.type) {
      case 'pushBack':
        this.#mutable().push(this.#decode(bytesField(cmd, 'value')))
        return
      case 'pushFront':
        this.#mutable().unshift(this.#decode(bytesField(cmd, 'value')))
        return
      case 'popBack':
        if (len > 0) this.#mutable().pop()
        return
      case 'popFront':
        if (len > 0) this.#mutable().shift()
        return
      case 'insert': {
        const index = indexField(cmd, 'index')
        const e = this.#decode(bytesField(cmd, 'value'))
        if (index <= len) this.#mutable().splice(index, 0, e)
        return
      }
      case 'extend': {
        const elements = bytesListField(cmd, 'values').map((b) => this.#decode(b))
        if (elements.length > 0) this.#mutable().push(...elements)
        return
      }
      case 'remove': {
        const index = indexField(cmd, 'index')
        if (index < len) this.#mutable().splice(index, 1)
        return
      }
      case 'swap': {
        const i = indexField(cmd, 'i')
        const j = indexField(cmd, 'j')
        if (i < len && j < len && i !== j) {
          const data = this.#mutable()
          const a = data[i] as Element<T>
          data[i] = data[j] as Element<T>
          data[j] = a
        }
        return
      }
      case 'truncate': {
        const n = indexField(cmd, 'len')
        if (n < len) this.#mutable().length = n
        return
      }
      case 'clear':
        if (len === 0) return
        this.#data = []
        this.#values = undefined
        return
      default:
        throw new Refused('malformed', `unknown vec command ${cmd.type.slice(0, 32)}`)
    }
  }

  /** The array to change; drops the cached values (snapshots copy, so nobody else holds it). */
  #mutable(): Element<T>[] {
    this.#values = undefined
    return this.#data
  }

  #decode(bytes: Uint8Array): Element<T> {
    const checked = decodeValue(this.#schema, bytes)
    if (!checked.ok) throw new Refused(checked.kind, checked.detail)
    return { value: checked.value, bytes }
  }
}
