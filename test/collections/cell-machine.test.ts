import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, it } from 'vitest'
import {
  type CellCommand,
  CellMachine,
  type CellRejection,
  cellSignature,
  describeCellCommand,
} from '../../src/collections/cell-machine.js'
import { encode } from '../../src/core/codec.js'
import { UniqueId } from '../../src/core/id.js'
import { nonNegative } from './schemas.js'

const store = UniqueId.from('test.cell')
const write = (v: unknown): CellCommand => ({ type: 'write', value: encode(v) })
const cas = (current: unknown, next: unknown): CellCommand => ({
  type: 'compareExchange',
  current: current === undefined ? null : encode(current),
  next: next === undefined ? null : encode(next),
})
const clear: CellCommand = { type: 'clear' }

function machine<T = unknown>(schema?: StandardSchemaV1<T>) {
  const m = new CellMachine<T>({ storeId: store, typeName: 'u64', schema, writer: true })
  const rejections: CellRejection[] = []
  const batches: (number | undefined)[] = []
  m.rejected.on((r) => rejections.push(r))
  m.applied.on((n) => batches.push(n))
  return { m, rejections, batches }
}

describe('CellMachine', () => {
  it('derives the signature from the prefix, the store id and the type name', () => {
    const expected = UniqueId.from('mosaik_collections_cell').derive(store).derive('u64')
    expect(machine().m.signature().equals(expected)).toBe(true)
    expect(cellSignature(store, 'String').equals(expected)).toBe(false)
    expect(cellSignature(UniqueId.from('other'), 'u64').equals(expected)).toBe(false)
  })

  it('keeps the value object when a write or swap commits the same bytes again (stable for React)', () => {
    const { m } = machine<{ theme: string }>()
    m.apply(write({ theme: 'dark' }))
    const first = m.value()
    m.apply(write({ theme: 'dark' }))
    expect(m.value()).toBe(first)
    m.apply(cas({ theme: 'dark' }, { theme: 'dark' }))
    expect(m.value()).toBe(first)
    m.apply(write({ theme: 'light' }))
    expect(m.value()).not.toBe(first)
    expect(m.value()).toEqual({ theme: 'light' })
  })

  it('starts empty; write overwrites; clear empties, also when already empty', () => {
    const { m } = machine<number>()
    expect(m.value()).toBeUndefined()
    m.apply(clear)
    expect(m.value()).toBeUndefined()
    m.apply(write(1))
    m.apply(write(2))
    expect(m.value()).toBe(2)
    m.apply(clear)
    expect(m.value()).toBeUndefined()
  })

  it('compare-exchange swaps only when the current value matches', () => {
    const { m } = machine<number>()
    m.apply(cas(undefined, undefined))
    expect(m.value()).toBeUndefined()
    m.apply(cas(42, 99))
    expect(m.value()).toBeUndefined()
    m.apply(cas(undefined, 1))
    expect(m.value()).toBe(1)
    m.apply(cas(undefined, 5))
    expect(m.value()).toBe(1)
    m.apply(cas(2, 3))
    expect(m.value()).toBe(1)
    m.apply(cas(1, 2))
    expect(m.value()).toBe(2)
    m.apply(cas(2, undefined))
    expect(m.value()).toBeUndefined()
  })

  it('compares canonical bytes, so key order does not matter', () => {
    const { m } = machine<Record<string, number>>()
    m.apply(write({ a: 1, b: 2 }))
    m.apply(cas({ b: 2, a: 1 }, { c: 3 }))
    expect(m.value()).toEqual({ c: 3 })
  })

  it('applies a batch in order and tells listeners once per batch', () => {
    const { m, batches } = machine<number>()
    m.applyBatch([write(1), cas(1, 2), write(3), clear, write(4)], { term: 1, firstIndex: 3, lastIndex: 7 })
    expect(m.value()).toBe(4)
    expect(batches).toEqual([7])
  })

  it('refuses a value that fails the schema, counts it and keeps the state', () => {
    const { m, rejections } = machine(nonNegative)
    m.applyBatch([write(7), write(-1), write('x'), cas(7, -5)])
    expect(m.value()).toBe(7)
    expect(m.rejectedCount).toBe(3)
    expect(rejections.map((r) => r.kind)).toEqual(['invalid', 'invalid', 'invalid'])
    expect(rejections[0]?.detail).toMatch(/not a count/)
  })

  it('refuses bytes that do not decode and commands that are malformed', () => {
    const { m, rejections } = machine<number>()
    m.apply(write(3))
    m.applyBatch([
      { type: 'write', value: new Uint8Array([0xff, 0xff]) },
      { type: 'write', value: 5 },
      { type: 'explode' },
      null,
      write(undefined),
    ] as CellCommand[])
    expect(m.value()).toBe(3)
    expect(rejections.map((r) => r.kind)).toEqual(['encoding', 'malformed', 'malformed', 'malformed', 'invalid'])
  })

  it('gives every replica the same state for the same log, whatever its inputs', () => {
    const log = [
      write(1),
      write(-1),
      { type: 'write', value: new Uint8Array([0xff]) },
      cas(1, 2),
      clear,
      cas(undefined, 9),
    ] as CellCommand[]
    const a = machine(nonNegative).m
    const b = machine(nonNegative).m
    a.applyBatch(log)
    for (const c of log) b.apply(c)
    expect(a.value()).toBe(9)
    expect(b.value()).toBe(9)
  })

  it('snapshots to at most one item and installs it exactly', () => {
    const value = { n: 2n ** 80n, at: new Date(1_700_000_000_000), m: new Map([['k', new Uint8Array([1])]]) }
    const { m } = machine<typeof value>()
    expect(m.createSnapshot().length).toBe(0)
    m.apply(write(value))
    const snapshot = m.createSnapshot()
    m.apply(clear)
    expect(snapshot.length).toBe(1)
    const items = snapshot.range(0, 2000)
    expect(items).toHaveLength(1)
    const late = machine<typeof value>()
    late.m.installSnapshot(items)
    expect(late.m.value()).toEqual(value)
    expect(late.batches).toEqual([undefined])
    late.m.installSnapshot([])
    expect(late.m.value()).toBeUndefined()
  })

  it('describes commands in one line', () => {
    expect(describeCellCommand(write(1))).toBe('Write[1B]')
    expect(describeCellCommand(cas(undefined, 1))).toBe('Cas[none->1B]')
    expect(describeCellCommand(clear)).toBe('Clear')
  })
})
