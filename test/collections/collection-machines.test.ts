import { describe, expect, it } from 'vitest'
import type { CollectionRejection } from '../../src/collections/collection-machine.js'
import { MapMachine } from '../../src/collections/map-machine.js'
import { OnceMachine } from '../../src/collections/once-machine.js'
import { PqMachine } from '../../src/collections/pq-machine.js'
import { SetMachine } from '../../src/collections/set-machine.js'
import { VecMachine } from '../../src/collections/vec-machine.js'
import { encode } from '../../src/core/codec.js'
import { UniqueId } from '../../src/core/id.js'
import { nonNegative } from './schemas.js'

// The pure machines, fed what a faulty or hostile peer could commit: every refusal is
// counted, reported with a kind, leaves the state as it was, and is the same on every
// replica (two machines fed the same commands end equal).

const base = { storeId: UniqueId.from('machines'), typeNames: ['test'], writer: true }
const b = (v: unknown) => encode(v)
const ctx = (i: number) => ({ term: 1, firstIndex: i, lastIndex: i })

function watch(m: { rejected: { on(fn: (r: CollectionRejection) => void): unknown } }) {
  const seen: CollectionRejection[] = []
  m.rejected.on((r) => seen.push(r))
  return seen
}

describe('collection machines refuse bad commands and keep their state', () => {
  it('map: malformed shapes, undecodable bytes and schema failures are refused whole', () => {
    const m = new MapMachine<number, number>({ ...base, schema: nonNegative, keySchema: nonNegative })
    const seen = watch(m)
    m.apply({ type: 'insert', key: b(1), value: b(10) }, ctx(1))
    const bad: unknown[] = [
      null,
      'insert',
      { type: 'nope' },
      { type: 'insert', key: b(2) },
      { type: 'insert', key: new Uint8Array([0xff]), value: b(1) },
      { type: 'insert', key: b(2), value: b(-5) },
      { type: 'insert', key: b('two'), value: b(5) },
      // One bad pair refuses the whole extend: key 3 must not appear.
      {
        type: 'extend',
        entries: [
          [b(3), b(30)],
          [b(4), b(-1)],
        ],
      },
      { type: 'extend', entries: 'x' },
      { type: 'removeMany', keys: [b(1), 7] },
      { type: 'compareExchange', key: b(1), expected: b(10), next: b(-1) },
    ]
    for (const [i, c] of bad.entries()) m.apply(c as never, ctx(i + 2))
    expect(m.rejectedCount).toBe(bad.length)
    expect(seen.map((r) => r.kind)).toEqual([
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'encoding',
      'invalid',
      'invalid',
      'invalid',
      'malformed',
      'malformed',
      'invalid',
    ])
    expect([...m.view()]).toEqual([[1, 10]])
  })

  it('map: two replicas fed the same commands, good and bad, end equal and iterate alike', () => {
    const commands: unknown[] = [
      {
        type: 'extend',
        entries: [
          [b('b'), b(2)],
          [b('a'), b(1)],
        ],
      },
      { type: 'insert', key: b({ y: 1, x: 2 }), value: b(3) },
      { type: 'insert', key: b({ x: 2, y: 1 }), value: b(4) },
      { type: 'removeMany', keys: [b('b')] },
      { type: 'junk' },
      { type: 'compareExchange', key: b('a'), expected: b(1), next: b(9) },
    ]
    const replicas = [new MapMachine<unknown, number>(base), new MapMachine<unknown, number>(base)]
    for (const r of replicas) for (const [i, c] of commands.entries()) r.apply(c as never, ctx(i + 1))
    const [x, y] = replicas.map((r) => [...r.view()])
    expect(x).toEqual(y)
    // Keys compare by canonical CBOR: {y,x} and {x,y} are one key.
    expect(x).toEqual([
      ['a', 9],
      [{ y: 1, x: 2 }, 4],
    ])
    // A snapshot installs the same state in the same order.
    const late = new MapMachine<unknown, number>(base)
    const snap = replicas[0]!.createSnapshot()
    late.installSnapshot(snap.range(0, snap.length))
    expect([...late.view()]).toEqual(x)
  })

  it('map: a snapshot taken before later changes keeps its items (copy on write)', () => {
    const m = new MapMachine<number, number>(base)
    m.apply(
      {
        type: 'extend',
        entries: [
          [b(1), b(1)],
          [b(2), b(2)],
        ],
      },
      ctx(1),
    )
    const snap = m.createSnapshot()
    const view = m.view()
    m.apply({ type: 'clear' }, ctx(2))
    m.apply({ type: 'insert', key: b(3), value: b(3) }, ctx(3))
    expect(snap.length).toBe(2)
    expect([...view]).toEqual([
      [1, 1],
      [2, 2],
    ])
    expect([...m.view()]).toEqual([[3, 3]])
  })

  it('map: bad snapshot items are refused one by one, the good ones install', () => {
    const m = new MapMachine<number, number>({ ...base, schema: nonNegative })
    const seen = watch(m)
    m.installSnapshot([[b(1), b(1)], 'junk', [b(2), b(-2)], [b(3), b(3)]] as never)
    expect([...m.view()]).toEqual([
      [1, 1],
      [3, 3],
    ])
    expect(seen.map((r) => r.command)).toEqual(['Snapshot', 'Snapshot'])
  })

  it('vec: out-of-range indices are committed no-ops; bad indices and elements are refused', () => {
    const m = new VecMachine<number>({ ...base, schema: nonNegative })
    m.apply({ type: 'extend', values: [b(1), b(2), b(3)] }, ctx(1))
    const noops: unknown[] = [
      { type: 'remove', index: 10 },
      { type: 'insert', index: 4, value: b(9) },
      { type: 'swap', i: 0, j: 3 },
      { type: 'truncate', len: 99 },
    ]
    for (const [i, c] of noops.entries()) m.apply(c as never, ctx(i + 2))
    expect(m.rejectedCount).toBe(0)
    const refused: unknown[] = [
      { type: 'remove', index: -1 },
      { type: 'remove', index: 1.5 },
      { type: 'swap', i: 0, j: '1' },
      { type: 'pushBack', value: b(-1) },
      { type: 'extend', values: [b(4), b('x')] },
    ]
    for (const [i, c] of refused.entries()) m.apply(c as never, ctx(i + 10))
    expect(m.rejectedCount).toBe(refused.length)
    expect(m.values()).toEqual([1, 2, 3])
  })

  it('set and once: schema failures are refused; once keeps its first value', () => {
    const s = new SetMachine<number>({ ...base, schema: nonNegative })
    s.apply({ type: 'extend', values: [b(1), b(-1)] }, ctx(1))
    s.apply({ type: 'insert', value: b(2) }, ctx(2))
    expect([s.size(), s.has(2), s.rejectedCount]).toEqual([1, true, 1])
    const o = new OnceMachine<number>({ ...base, schema: nonNegative })
    o.apply({ type: 'write', value: b(-1) }, ctx(1))
    o.apply({ type: 'write', value: b(5) }, ctx(2))
    o.apply({ type: 'write', value: b(6) }, ctx(3))
    expect([o.value(), o.rejectedCount]).toEqual([5, 1])
  })

  it('priority queue: a priority that cannot be ordered is refused; ranges bound correctly', () => {
    const q = new PqMachine<unknown, number, number>(base)
    q.apply({ type: 'insert', priority: b({ not: 'ordered' }), key: b(1), value: b(1) }, ctx(1))
    q.apply({ type: 'insert', priority: b(Number.NaN), key: b(1), value: b(1) }, ctx(2))
    expect([q.size(), q.rejectedCount]).toEqual([0, 2])
    q.apply({ type: 'extend', entries: [1, 2, 3, 4].map((p) => [b(p), b(p), b(p * 10)]) }, ctx(3))
    q.apply(
      { type: 'removeRange', start: { kind: 'excluded', priority: b(1) }, end: { kind: 'included', priority: b(3) } },
      ctx(4),
    )
    expect(q.ascending().map((e) => e.priority)).toEqual([1, 4])
    q.apply({ type: 'removeRange', start: { kind: 'sideways' }, end: { kind: 'unbounded' } } as never, ctx(5))
    expect([q.size(), q.rejectedCount]).toEqual([2, 3])
  })

  it('a large extend shrinks the log tail a late member would replay', () => {
    const m = new MapMachine<number, number>(base)
    for (let i = 1; i <= 10; i++) m.apply({ type: 'insert', key: b(i), value: b(i) }, ctx(i))
    expect(m.divergenceTail()).toBe(10)
    m.apply({ type: 'extend', entries: Array.from({ length: 1000 }, (_, i) => [b(i), b(i)]) }, ctx(11))
    expect(m.divergenceTail()).toBe(0)
    for (let i = 12; i < 100; i++) m.apply({ type: 'insert', key: b(i), value: b(i) }, ctx(i))
    expect(m.divergenceTail()).toBe(64)
  })
})
