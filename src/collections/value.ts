/**
 * How a collection value becomes bytes and back, and how it is checked. The same
 * function runs on the writer before a command is sent and in `apply` on every replica,
 * so a value that one replica refuses is refused by all of them.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { decode, EncodingError, encode } from '../core/codec.js'

/** The outcome of checking one value: the (possibly schema-transformed) value, or why it was refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; kind: 'encoding' | 'invalid'; detail: string }

/**
 * Runs `schema` on `value` synchronously. `apply` cannot await, so a schema whose
 * `validate` returns a promise refuses the value (the same way on every replica) rather
 * than letting replicas disagree about when it settled.
 */
export function checkValue<T>(schema: StandardSchemaV1<T> | undefined, value: unknown): Checked<T> {
  if (value === undefined)
    return { ok: false, kind: 'invalid', detail: 'a cell value cannot be undefined; use clear()' }
  if (!schema) return { ok: true, value: value as T }
  let result: StandardSchemaV1.Result<T> | Promise<StandardSchemaV1.Result<T>>
  try {
    result = schema['~standard'].validate(value)
  } catch (err) {
    return { ok: false, kind: 'invalid', detail: `schema threw: ${(err as Error).message}` }
  }
  if (result instanceof Promise) {
    // Keep an unobserved rejection from surfacing as an unhandled one.
    result.catch(() => {})
    return {
      ok: false,
      kind: 'invalid',
      detail: 'the schema validates asynchronously; cells need a synchronous schema',
    }
  }
  if (result.issues) return { ok: false, kind: 'invalid', detail: describeIssues(result.issues) }
  return { ok: true, value: result.value }
}

/** Decodes bytes a peer sent and checks the value; never throws. */
export function decodeValue<T>(schema: StandardSchemaV1<T> | undefined, bytes: unknown): Checked<T> {
  if (!(bytes instanceof Uint8Array)) return { ok: false, kind: 'encoding', detail: 'value is not a byte string' }
  let value: unknown
  try {
    value = decode(bytes)
  } catch (err) {
    return { ok: false, kind: 'encoding', detail: (err as Error).message }
  }
  return checkValue(schema, value)
}

/** Encodes a value for a command; never throws, says why it could not. */
export function encodeValue(value: unknown): { ok: true; bytes: Uint8Array } | { ok: false; detail: string } {
  try {
    return { ok: true, bytes: encode(value) }
  } catch (err) {
    return { ok: false, detail: err instanceof EncodingError ? err.message : String(err) }
  }
}

function describeIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path?.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')
      return path ? `${path}: ${i.message}` : i.message
    })
    .join('; ')
}
