import { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'
import { CellReaderHandle } from './cell-reader.js'
import type { CellWriter } from './types.js'
import { checkValue, encodeValue } from './value.js'

/**
 * The write side of a cell replica (mosaik `Cell<T, WRITER>`): a `normal` group member
 * that may lead. Each write is checked (schema, encoding) before it is sent, resolves
 * with the version at which it committed, and settles within `writeTimeout`.
 */
export class CellWriterHandle<T> extends CellReaderHandle<T> implements CellWriter<T> {
  write(value: T): Promise<Version> {
    const bytes = this.#prepare(value, value)
    if (bytes instanceof CellError) return Promise.reject(bytes)
    return this.execute({ type: 'write', value: bytes }, value)
  }

  set(value: T): Promise<Version> {
    return this.write(value)
  }

  /**
   * Replaces the value with `next` if the committed value encodes to the same canonical
   * bytes as `current` (`undefined` = empty). A mismatch still commits and bumps the
   * version, changing nothing: compare `read()` after `when.reaches(version)` to tell.
   */
  compareExchange(current: T | undefined, next: T | undefined): Promise<Version> {
    const pair: [T | undefined, T | undefined] = [current, next]
    let currentBytes: Uint8Array | null = null
    if (current !== undefined) {
      const encoded = encodeValue(current)
      if (!encoded.ok) return Promise.reject(new CellError('encoding', encoded.detail, pair))
      currentBytes = encoded.bytes
    }
    let nextBytes: Uint8Array | null = null
    if (next !== undefined) {
      const bytes = this.#prepare(next, pair)
      if (bytes instanceof CellError) return Promise.reject(bytes)
      nextBytes = bytes
    }
    return this.execute({ type: 'compareExchange', current: currentBytes, next: nextBytes }, pair)
  }

  /** Empties the cell; safe (and still a committed version) when it is already empty. */
  clear(): Promise<Version> {
    return this.execute({ type: 'clear' }, undefined)
  }

  /** Checks `value` against the schema and encodes it; the error carries `carried`. */
  #prepare<V>(value: T, carried: V): Uint8Array | CellError<V> {
    const checked = checkValue(this.schema, value)
    if (!checked.ok) return new CellError(checked.kind, `value refused: ${checked.detail}`, carried)
    // The raw value is sent, not the schema's output: every replica runs the schema itself.
    const encoded = encodeValue(value)
    if (!encoded.ok) return new CellError('encoding', encoded.detail, carried)
    return encoded.bytes
  }
}
