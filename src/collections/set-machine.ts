/**
 * The pure replicated state of a `ReplicatedSet<T>` (mosaik `SetStateMachine`): a set of
 * elements, changed only by committed commands.
 *
 * | command      | effect                                           |
 * |--------------|--------------------------------------------------|
 * | `insert`     | adds `value` (no-op when present)                |
 * | `extend`     | adds every value in order                        |
 * | `removeMany` | removes each value that is present               |
 * | `clear`      | removes every element                            |
 *
 * Elements are identified by their canonical CBOR bytes, so equal values are one element
 * whatever their JS identity. Iteration follows first insertion and is the same on every
 * replica (snapshots carry elements in that order). A command with one bad element is
 * refused whole.
 */
import { decode, encodeCanonical } from '../core/codec.js'
import type { Snapshot } from '../groups/types.js'
import {
  arraySnapshot,
  bytesField,
  bytesListField,
  CollectionMachine,
  type CollectionMachineOptions,
  commandRecord,
  hexOf,
  Refused,
  type Schema,
} from './collection-machine.js'
import { keyId } from './map-machine.js'
import { checkValue } from './value.js'

/** A committed set command; elements travel as canonical CBOR bytes. */
export type SetCommand =
  | { readonly type: 'insert'; readonly value: Uint8Array }
  | { readonly type: 'extend'; readonly values: readonly Uint8Array[] }
  | { readonly type: 'removeMany'; readonly values: readonly Uint8Array[] }
  | { readonly type: 'clear' }

interface Element<T> {
  readonly value: T
  readonly bytes: Uint8Array
}

export interface SetMachineOptions<T> extends CollectionMachineOptions {
  readonly schema?: Schema<T>
}

export const SET_SIGNATURE_PREFIX = 'mosaik_collections_set'

/** An immutable view of the set at one version (O(1) to take). */
export class SetView<T> implements Iterable<T> {
  readonly #data: ReadonlyMap<string, Element<T>>
  constructor(data: ReadonlyMap<string, Element<T>>) {
    this.#data = data
  }
  get size(): number {
    return this.#data.size
  }
  has(value: T): boolean {
    const id = keyId(value)
    return id !== undefined && this.#data.has(id)
  }
  *values(): IterableIterator<T> {
    for (const e of this.#data.values()) yield e.value
  }
  [Symbol.iterator](): IterableIterator<T> {
    return this.values()
  }
}

export class SetMachine<T> extends CollectionMachine<SetCommand, Uint8Array> {
  readonly #schema: Schema<T>
  #data = new Map<string, Element<T>>()
  #shared = false

  constructor(options: SetMachineOptions<T>) {
    super(SET_SIGNATURE_PREFIX, options)
    this.#schema = options.schema
  }

  size(): number {
    return this.#data.size
  }

  has(value: T): boolean {
    const id = keyId(value)
    return id !== undefined && this.#data.has(id)
  }

  view(): SetView<T> {
    this.#shared = true
    return new SetView(this.#data)
  }

  createSnapshot(): Snapshot<Uint8Array> {
    return arraySnapshot([...this.#data.values()].map((e) => e.bytes))
  }

  protected replaceWith(items: Iterable<Uint8Array>): void {
    this.#data = new Map()
    this.#shared = false
    for (const item of items) {
      try {
        const e = this.#decode(item)
        this.#data.set(hexOf(e.bytes), e)
      } catch (err) {
        if (!(err instanceof Refused)) throw err
        this.reject('Snapshot', err.kind, err.message)
      }
    }
  }

  protected applyOne(command: unknown): void {
    const cmd = commandRecord(command)
    switch (cmd.type) {
      case 'insert': {
        const e = this.#decode(bytesField(cmd, 'value'))
        const id = hexOf(e.bytes)
        if (!this.#data.has(id)) this.#mutable().set(id, e)
        return
      }
      case 'extend': {
        const elements = bytesListField(cmd, 'values').map((b) => this.#decode(b))
        const fresh = elements.filter((e) => !this.#data.has(hexOf(e.bytes)))
        if (fresh.length === 0) return
        const data = this.#mutable()
        for (const e of fresh) {
          const id = hexOf(e.bytes)
          if (!data.has(id)) data.set(id, e)
        }
        return
      }
      case 'removeMany': {
        const ids = bytesListField(cmd, 'values').map((b) => hexOf(this.#decode(b, false).bytes))
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
      default:
        throw new Refused('malformed', `unknown set command ${cmd.type.slice(0, 32)}`)
    }
  }

  #mutable(): Map<string, Element<T>> {
    if (this.#shared) {
      this.#data = new Map(this.#data)
      this.#shared = false
    }
    return this.#data
  }

  /** Decodes an element; its identity (and stored bytes) is its canonical encoding, recomputed here. */
  #decode(bytes: unknown, checked = true): Element<T> {
    if (!(bytes instanceof Uint8Array)) throw new Refused('malformed', 'element is not a byte string')
    let raw: unknown
    let canonical: Uint8Array
    try {
      raw = decode(bytes)
      canonical = encodeCanonical(raw)
    } catch (err) {
      throw new Refused('encoding', `element: ${(err as Error).message}`)
    }
    // Removal only compares: a value the schema refuses cannot be present anyway.
    const result = checkValue(checked ? this.#schema : undefined, raw)
    if (!result.ok) throw new Refused(result.kind, `element: ${result.detail}`)
    return { value: result.value, bytes: canonical }
  }
}
