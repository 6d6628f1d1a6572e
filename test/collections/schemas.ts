import type { StandardSchemaV1 } from '@standard-schema/spec'

/** A hand-rolled Standard Schema: non-negative integers only. */
export const nonNegative: StandardSchemaV1<number> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (v) =>
      typeof v === 'number' && Number.isInteger(v) && v >= 0 ? { value: v } : { issues: [{ message: 'not a count' }] },
  },
}
