import type { StandardSchemaV1 } from '@standard-schema/spec'

/** A value checked by a schema: the (possibly transformed) value, or why it was refused. */
export type SchemaCheck<T> = { ok: true; value: T } | { ok: false; detail: string }

/**
 * Runs a Standard Schema synchronously. Streams keep order, so a schema that validates
 * asynchronously refuses every value instead of reordering them.
 */
export function checkSchema<T>(schema: StandardSchemaV1<T> | undefined, value: unknown): SchemaCheck<T> {
  if (!schema) return { ok: true, value: value as T }
  let result: StandardSchemaV1.Result<T> | Promise<StandardSchemaV1.Result<T>>
  try {
    result = schema['~standard'].validate(value)
  } catch (err) {
    return { ok: false, detail: `schema threw: ${(err as Error).message}` }
  }
  if (result instanceof Promise) {
    result.catch(() => {})
    return { ok: false, detail: 'the schema validates asynchronously; streams need a synchronous schema' }
  }
  if (result.issues)
    return {
      ok: false,
      detail: result.issues
        .map((i) => i.message)
        .slice(0, 3)
        .join('; '),
    }
  return { ok: true, value: result.value }
}
