import { CellError } from '../core/errors.js'
import type { IdLike, StoreId, Version } from '../core/id.js'
import { UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import { prepareValue } from './collection-input.js'
import { CollectionReaderHandle } from './collection-reader.js'
import type { CollectionOptions, CollectionReader, CollectionSnapshot } from './collection-types.js'
import { type OnceCommand, OnceMachine } from './once-machine.js'

export type OnceOptions<T> = CollectionOptions<T>

export interface OnceSnapshot<T> extends CollectionSnapshot {
  readonly value: T | undefined
}

/** The read side of a write-once register (mosaik `OnceReader`). */
export interface OnceReader<T> extends CollectionReader<OnceSnapshot<T>> {
  read(): T | undefined
  get(): T | undefined
  isNone(): boolean
  isSome(): boolean
  /** Resolves with the value once one is committed (at once if set); rejects `network-down` on close. */
  awaitValue(): Promise<T>
}

/** The write side (mosaik `OnceWriter`): only the first committed write sets the value. */
export interface OnceWriter<T> extends OnceReader<T> {
  /** Commits either way; the value changes only if none was set before. */
  write(value: T): Promise<Version>
  set(value: T): Promise<Version>
}

class OnceReaderHandle<T>
  extends CollectionReaderHandle<OnceCommand, Uint8Array, OnceMachine<T>, OnceSnapshot<T>>
  implements OnceReader<T>
{
  protected readonly schema: OnceOptions<T>['schema']

  constructor(network: Network, storeId: IdLike, options: OnceOptions<T>, writer: boolean) {
    super(
      'once',
      network,
      UniqueId.from(storeId),
      options,
      (id) =>
        new OnceMachine<T>({ storeId: id, typeNames: [options.typeName ?? 'unknown'], writer, schema: options.schema }),
      writer,
    )
    this.schema = options.schema
  }

  read(): T | undefined {
    return this.machine.value()
  }

  get(): T | undefined {
    return this.machine.value()
  }

  isNone(): boolean {
    return this.machine.value() === undefined
  }

  isSome(): boolean {
    return !this.isNone()
  }

  async awaitValue(): Promise<T> {
    for (;;) {
      const updated = this.when.updated()
      const value = this.machine.value()
      if (value !== undefined) {
        updated.catch(() => {})
        return value
      }
      await updated
    }
  }

  protected snapshotFields(base: CollectionSnapshot): OnceSnapshot<T> {
    return { ...base, value: this.machine.value() }
  }
}

class OnceWriterHandle<T> extends OnceReaderHandle<T> implements OnceWriter<T> {
  write(value: T): Promise<Version> {
    const bytes = prepareValue(this.schema, value, value)
    if (bytes instanceof CellError) return Promise.reject(bytes)
    return this.execute({ type: 'write', value: bytes }, value)
  }

  set(value: T): Promise<Version> {
    return this.write(value)
  }
}

/** A replicated write-once register (mosaik `collections::Once`). */
export class Once {
  private constructor() {}

  static writer<T>(network: Network, storeId: IdLike, options: OnceOptions<T> = {}): OnceWriter<T> {
    return new OnceWriterHandle<T>(network, storeId, options, true)
  }

  static reader<T>(network: Network, storeId: IdLike, options: OnceOptions<T> = {}): OnceReader<T> {
    return new OnceReaderHandle<T>(network, storeId, options, false)
  }

  /** Alias of `writer`. */
  static new<T>(network: Network, storeId: IdLike, options: OnceOptions<T> = {}): OnceWriter<T> {
    return Once.writer(network, storeId, options)
  }
}

export interface OnceDef<T> {
  readonly kind: 'once'
  readonly storeId: StoreId
  readonly options: Readonly<OnceOptions<T>>
  writer(network: Network): OnceWriter<T>
  reader(network: Network): OnceReader<T>
}

/** Declares a write-once register: its store id and the options every member must share. */
export function defineOnce<T>(storeId: IdLike, options: OnceOptions<T> = {}): OnceDef<T> {
  const id = UniqueId.from(storeId)
  const frozen = Object.freeze({ ...options })
  return Object.freeze({
    kind: 'once' as const,
    storeId: id,
    options: frozen,
    writer: (network: Network) => Once.writer<T>(network, id, frozen),
    reader: (network: Network) => Once.reader<T>(network, id, frozen),
  })
}
