import { describe, expect, it } from 'vitest'
import { defineMap, defineOnce, definePriorityQueue, defineSet, defineVec } from '../../src/collections/index.js'
import { CellError } from '../../src/core/errors.js'
import type { Network } from '../../src/network/network.js'
import { closing, fast, freshStore, networkPool, online, reach } from './collection-harness.js'
import { nonNegative } from './schemas.js'

// What the app hands a collection writer: a value failing the schema, a key that cannot be
// encoded, an out-of-range index, any call on a closed handle. Each rejects with a typed
// `CellError` carrying what was passed, and no replica changes (the version does not move).

const pool = networkPool(2)
const net = (i: number) => pool.nets[i] as Network

async function rejects(p: Promise<unknown>, kind: CellError['kind']): Promise<CellError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(CellError)
  expect((err as CellError).kind).toBe(kind)
  return err as CellError
}

describe.concurrent('collections refuse bad input with typed errors and change no replica', () => {
  it('map: schema failures, unencodable keys and values, a closed handle', async (ctx) => {
    const Def = defineMap<unknown, number>(freshStore(), fast({ schema: nonNegative }))
    const [w, r] = closing(ctx, Def.writer(net(0)), Def.reader(net(1)))
    await online(w!, r!)
    const writer = w as ReturnType<typeof Def.writer>
    await reach(await writer.insert('a', 1), r!)
    const version = writer.version()
    const e = await rejects(writer.insert('b', -1), 'invalid')
    expect(e.value).toEqual(['b', -1])
    await rejects(
      writer.insert(() => 1, 2),
      'encoding',
    )
    await rejects(writer.insert(Symbol('k'), 2), 'encoding')
    await rejects(writer.insert('c', Number.NaN), 'invalid')
    await rejects(
      writer.extend([
        ['d', 1],
        ['e', -1],
      ]),
      'invalid',
    )
    await rejects(writer.compareExchange('a', 1, -2), 'invalid')
    await rejects(writer.removeMany([() => 0]), 'encoding')
    expect([writer.version(), r!.version(), r!.len(), writer.get('d')]).toEqual([version, version, 1, undefined])
    await writer.close()
    const closed = await rejects(writer.insert('z', 1), 'network-down')
    expect(closed.value).toEqual(['z', 1])
    await rejects(writer.extend([]), 'network-down')
    await rejects(writer.when.updated(), 'network-down')
  })

  it('vec: negative, fractional and past-the-end indices are refused before sending', async (ctx) => {
    const Def = defineVec<number>(freshStore(), fast({ schema: nonNegative }))
    const w = Def.writer(net(0))
    closing(ctx, w)
    await online(w)
    await reach(await w.extend([1, 2]), w)
    const version = w.version()
    await rejects(w.remove(-1), 'invalid')
    await rejects(w.remove(0.5), 'invalid')
    await rejects(w.swap(0, Number.NaN), 'invalid')
    await rejects(w.truncate(-3), 'invalid')
    await rejects(w.insert(3, 9), 'invalid')
    await rejects(w.pushBack(-1), 'invalid')
    expect([w.version(), w.values()]).toEqual([version, [1, 2]])
    await w.close()
    await rejects(w.pushBack(3), 'network-down')
  })

  it('set, once and priority queue: schema and priority checks, closed handles', async (ctx) => {
    const Members = defineSet<number>(freshStore(), fast({ schema: nonNegative }))
    const Setup = defineOnce<number>(freshStore(), fast({ schema: nonNegative }))
    const Book = definePriorityQueue<unknown, string, number>(freshStore(), fast({ schema: nonNegative }))
    const s = Members.writer(net(0))
    const o = Setup.writer(net(0))
    const q = Book.writer(net(0))
    closing(ctx, s, o, q)
    await online(s, o, q)
    const versions = [s.version(), o.version(), q.version()]
    await rejects(s.insert(-1), 'invalid')
    await rejects(o.write(-1), 'invalid')
    await rejects(q.insert({ not: 'ordered' }, 'k', 1), 'invalid')
    await rejects(q.insert(1, 'k', -1), 'invalid')
    await rejects(q.removeRange({ gt: 1, gte: 2 }), 'invalid')
    expect([s.len(), o.isNone(), q.len()]).toEqual([0, true, 0])
    expect([s.version(), o.version(), q.version()]).toEqual(versions)
    await Promise.all([s.close(), o.close(), q.close()])
    await rejects(s.insert(1), 'network-down')
    await rejects(o.write(1), 'network-down')
    await rejects(q.clear(), 'network-down')
    await rejects(o.awaitValue(), 'network-down')
  })
})
