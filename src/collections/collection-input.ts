/**
 * Checks and encodes what the app hands a collection writer, before anything is sent:
 * a value or key that fails its schema or cannot be encoded becomes a typed `CellError`
 * (`invalid`, `encoding`) carrying what the caller passed, and no replica changes.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { encodeCanonical } from '../core/codec.js'
import { CellError } from '../core/errors.js'
import { checkValue, encodeValue } from './value.js'

/** Checks `value` against `schema` and encodes it as sent (every replica runs the schema itself). */
export function prepareValue<V>(
  schema: StandardSchemaV1<unknown> | undefined,
  value: unknown,
  carried: V,
  what = 'value',
): Uint8Array | CellError<V> {
  const checked = checkValue(schema, value)
  if (!checked.ok) return new CellError(checked.kind, `${what} refused: ${checked.detail}`, carried)
  const encoded = encodeValue(value)
  if (!encoded.ok) return new CellError('encoding', `${what} cannot be encoded: ${encoded.detail}`, carried)
  return encoded.bytes
}

/** A key's canonical bytes (its identity on every replica), after its schema. */
export function prepareKey<V>(
  schema: StandardSchemaV1<unknown> | undefined,
  key: unknown,
  carried: V,
): Uint8Array | CellError<V> {
  const checked = checkValue(schema, key)
  if (!checked.ok) return new CellError(checked.kind, `key refused: ${checked.detail}`, carried)
  try {
    return encodeCanonical(key)
  } catch (err) {
    return new CellError('encoding', `key cannot be encoded: ${(err as Error).message}`, carried)
  }
}

/** Prepares every item; the first failure wins (nothing is sent). */
export function prepareAll<T, V>(
  items: readonly T[],
  prepare: (item: T) => Uint8Array | CellError<V>,
): Uint8Array[] | CellError<V> {
  const out: Uint8Array[] = []
  for (const item of items) {
    const bytes = prepare(item)
    if (bytes instanceof CellError) return bytes
    out.push(bytes)
  }
  return out
}
