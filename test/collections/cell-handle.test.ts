import { describe, expect, it, vi } from 'vitest'
import { Cell, defineCell, ReplicatedMap } from '../../src/collections/index.js'
import { CellError } from '../../src/core/errors.js'
import { UniqueId } from '../../src/core/id.js'
import { FakeBus, fakeNetwork } from './fake-group.js'
import { nonNegative } from './schemas.js'

// The handle over a stand-in group (one shared in-process log): snapshot identity,
// notification counts, error mapping and lifecycle, without libp2p.

function setup() {
  const bus = new FakeBus()
  const a = fakeNetwork(bus)
  const b = fakeNetwork(bus)
  return { bus, a, b }
}

async function rejection(p: Promise<unknown>): Promise<CellError<unknown>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(CellError)
  return err as CellError<unknown>
}

describe('Cell handle (stand-in group)', () => {
  it('joins writers as normal members and readers as observers under the cell signature', () => {
    const { a, b } = setup()
    const w = Cell.writer<number>(a.network, 'store', { typeName: 'u64' })
    const r = Cell.reader<number>(b.network, 'store', { typeName: 'u64' })
    expect(a.groups[0]?.preference).toBe('normal')
    expect(b.groups[0]?.preference).toBe('observer')
    expect(w.groupId.equals(r.groupId)).toBe(true)
    expect(w.storeId.equals(UniqueId.from('store'))).toBe(true)
    expect('write' in r).toBe(false)
  })

  it('writes resolve with the committed version and every replica reads the value', async () => {
    const { a, b } = setup()
    const w = Cell.new<string>(a.network, 'store')
    const r = Cell.reader<string>(b.network, 'store')
    expect(r.isEmpty() && r.isNone() && !r.isSome()).toBe(true)
    const v1 = await w.write('a')
    const v2 = await w.set('b')
    expect(v2).toBe(v1 + 1)
    await r.when.reaches(v2)
    expect([r.read(), r.get(), r.version(), w.read()]).toEqual(['b', 'b', v2, 'b'])
    const v3 = await w.clear()
    await r.when.reaches(v3)
    expect(r.isEmpty()).toBe(true)
  })

  it('keeps the snapshot identity until something visible changes', async () => {
    const { a } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    const s0 = w.getSnapshot()
    expect(w.getSnapshot()).toBe(s0)
    expect(Object.isFrozen(s0)).toBe(true)
    await w.write(1)
    const s1 = w.getSnapshot()
    expect(s1).not.toBe(s0)
    expect(s1).toMatchObject({ value: 1, version: 1, online: true, leader: 'leader-peer', role: 'follower' })
    expect(w.getSnapshot()).toBe(s1)
    a.groups[0]?.setOnline(false)
    expect(w.getSnapshot()).toMatchObject({ online: false, leader: undefined })
  })

  it('tells subscribers once per applied batch, not once per command', async () => {
    const { bus, a, b } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    const r = Cell.reader<number>(b.network, 'store')
    let calls = 0
    const off = r.subscribe(() => calls++)
    bus.batching = true
    const writes = [w.write(1), w.write(2), w.compareExchange(2, 3)]
    bus.flush()
    const versions = await Promise.all(writes)
    expect(versions).toEqual([1, 2, 3])
    expect(r.read()).toBe(3)
    expect(calls).toBe(1)
    off()
    const last = w.write(4)
    bus.flush()
    await last
    expect(calls).toBe(1)
  })

  it('fails writes offline with the value when no leader is reachable', async () => {
    const { bus, a } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    bus.online = false
    const err = await rejection(w.write(7))
    expect([err.kind, err.value]).toEqual(['offline', 7])
    const cas = await rejection(w.compareExchange(1, 2))
    expect([cas.kind, cas.value]).toEqual(['offline', [1, 2]])
  })

  it('settles a write that never commits at writeTimeout (fake timers)', async () => {
    const { bus, a } = setup()
    const w = Cell.writer<number>(a.network, 'store', { writeTimeout: 5_000 })
    bus.hang = true
    vi.useFakeTimers()
    try {
      let settled: unknown
      const p = rejection(w.write(1)).then((e) => {
        settled = e
        return e
      })
      await vi.advanceTimersByTimeAsync(4_999)
      expect(settled).toBeUndefined()
      await vi.advanceTimersByTimeAsync(1)
      const err = await p
      expect([err.kind, err.value]).toEqual(['offline', 1])
      // The group call's timeout (the write's only timer) named as the write timeout.
      expect(err.message).toBe('no commit within 5000 ms, the write timeout')
    } finally {
      vi.useRealTimers()
    }
  })

  it('refuses values the schema or CBOR cannot take before sending them', async () => {
    const { bus, a } = setup()
    const w = Cell.writer<number>(a.network, 'store', { schema: nonNegative })
    const invalid = await rejection(w.write(-1))
    expect([invalid.kind, invalid.value]).toEqual(['invalid', -1])
    expect((await rejection(w.compareExchange(undefined, -2))).kind).toBe('invalid')
    const raw = Cell.writer<unknown>(a.network, 'raw')
    const fn = () => 1
    const encoding = await rejection(raw.write(fn))
    expect([encoding.kind, encoding.value]).toEqual(['encoding', fn])
    expect((await rejection(raw.write(undefined))).kind).toBe('invalid')
    expect(bus.log).toHaveLength(0)
  })

  it('reports values refused in apply as telemetry and leaves the state alone', async () => {
    const { bus, a, b } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    const r = Cell.reader<number>(b.network, 'store', { schema: nonNegative })
    await w.write(5)
    // A peer without the schema (or a faulty one) commits a value the reader refuses.
    const v = await w.write(-5)
    await r.when.reaches(v)
    expect(r.read()).toBe(5)
    expect(r.version()).toBe(v)
    expect(b.telemetry).toMatchObject([{ type: 'input.rejected', reason: 'invalid-value' }])
    expect(bus.log).toHaveLength(2)
  })

  it('closes idempotently; afterwards writes and waits fail network-down', async () => {
    const { bus, a } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    bus.hang = true
    const pending = w.write(1)
    let notified = 0
    w.subscribe(() => notified++)
    await Promise.all([w.close(), w.close()])
    const err = await rejection(pending)
    expect([err.kind, err.value]).toEqual(['network-down', 1])
    expect((await rejection(w.write(2))).kind).toBe('network-down')
    expect((await rejection(w.when.reaches(10))).kind).toBe('network-down')
    expect(w.getSnapshot().online).toBe(false)
    expect(notified).toBe(1)
    expect(bus.members.size).toBe(0)
  })

  it('shares one replica between handles of one cell on one network; the last close leaves', async () => {
    const { bus, a } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    const r = Cell.reader<number>(a.network, 'store')
    expect(a.groups.filter((g) => !g.closed)).toHaveLength(1)
    await w.write(1)
    expect(r.read()).toBe(1)
    const waiting = r.when.reaches(50)
    await r.close()
    expect((await rejection(waiting)).kind).toBe('network-down')
    expect(bus.members.size).toBe(1)
    expect(await w.write(2)).toBe(2)
    await w.close()
    expect(bus.members.size).toBe(0)
  })

  it('refuses a writeTimeout that is not a number of ms with a RangeError, before joining anything', () => {
    const { a, bus } = setup()
    for (const writeTimeout of [Number.NaN, -1, '5' as unknown as number]) {
      expect(() => Cell.writer<number>(a.network, 'store', { writeTimeout })).toThrow(RangeError)
      expect(() => Cell.reader<number>(a.network, 'store', { writeTimeout })).toThrow(/writeTimeout must be a number/)
      expect(() => ReplicatedMap.writer<string, number>(a.network, 'map', { writeTimeout })).toThrow(RangeError)
    }
    expect(a.groups).toHaveLength(0)
    expect(bus.members.size).toBe(0)
    // 0 and Infinity are bounds: at once, and none.
    expect(Cell.writer<number>(a.network, 'zero', { writeTimeout: 0 }).getSnapshot()).toBeDefined()
    expect(
      Cell.writer<number>(a.network, 'none', { writeTimeout: Number.POSITIVE_INFINITY }).getSnapshot(),
    ).toBeDefined()
  })

  it('a shared replica is normal while a writer handle is open and observes otherwise', async () => {
    const { a } = setup()
    const r = Cell.reader<number>(a.network, 'store')
    const group = a.groups[0]
    expect(group?.preference).toBe('observer')
    const w1 = Cell.writer<number>(a.network, 'store')
    const w2 = Cell.writer<number>(a.network, 'store')
    expect(group?.preference).toBe('normal')
    await w1.close()
    expect(group?.preference).toBe('normal')
    await w2.close()
    expect(group?.preference).toBe('observer')
    await r.close()
  })

  it('goes network-down when its network stops', async () => {
    const { a } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    const waiting = w.when.reaches(99)
    await a.stop()
    expect((await rejection(waiting)).kind).toBe('network-down')
    expect((await rejection(w.write(1))).kind).toBe('network-down')
  })

  it('gives a late member the current value from a snapshot', async () => {
    const { bus, a, b } = setup()
    const w = Cell.writer<number>(a.network, 'store')
    for (let i = 0; i < 10; i++) await w.write(i)
    const r = Cell.reader<number>(b.network, 'store')
    expect([r.read(), r.version()]).toEqual([9, 10])
    expect(bus.log).toHaveLength(10)
  })

  it('opens a declared cell with the declared options on any network', async () => {
    const { a, b } = setup()
    const Def = defineCell<number>('declared', { typeName: 'Counter', schema: nonNegative })
    const w = Def.writer(a.network)
    const r = Def.reader(b.network)
    expect(Def.storeId.equals(UniqueId.from('declared'))).toBe(true)
    expect(w.groupId.equals(r.groupId)).toBe(true)
    expect(w.groupId.equals(Cell.writer<number>(a.network, 'declared').groupId)).toBe(false)
    await r.when.reaches(await w.write(3))
    expect(r.read()).toBe(3)
    expect((await rejection(w.write(-1))).kind).toBe('invalid')
  })
})
