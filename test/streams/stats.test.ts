import { describe, expect, it } from 'vitest'
import { type Data1, scope, within } from './helpers.js'

// Ports of mosaik tests/streams/stats.rs. Byte counts are the datum's CBOR size, which for
// these short strings equals mosaik's postcard size ("test" 5 bytes, "data2" 6).

describe('stream stats (mosaik tests/streams/stats.rs)', () => {
  it('producer: per-consumer datums and bytes', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2] = await Promise.all([s.net(), s.net(), s.net()])
    const p0 = n0!.streams.produce<Data1>('Data1')
    expect(p0.consumers().length).toBe(0)
    const c1 = n1!.streams.consume<Data1>('Data1')
    await s.discoverAll([n0!, n1!, n2!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    expect(p0.consumers().map((c) => [c.stats().datums, c.stats().bytes])).toEqual([[0, 0]])
    expect(c1.producers().map((c) => [c.stats().datums, c.stats().bytes])).toEqual([[0, 0]])
    await p0.send('test')
    expect(await within(c1.recv(), 'test')).toBe('test')
    expect(p0.consumers().map((c) => [c.stats().datums, c.stats().bytes])).toEqual([[1, 5]])
    expect(c1.producers().map((c) => [c.stats().datums, c.stats().bytes])).toEqual([[1, 5]])
    const c2 = n2!.streams.consume<Data1>('Data1')
    await within(c2.when.subscribed(), 'c2 to subscribe')
    await within(p0.when.subscribed().minimumOf(2), 'p0 to see both')
    await p0.send('data2')
    expect(await within(c1.recv(), 'data2 at c1')).toBe('data2')
    expect(await within(c2.recv(), 'data2 at c2')).toBe('data2')
    const byPeer = (peer: string) =>
      p0
        .consumers()
        .find((c) => c.consumerId === peer)!
        .stats()
    expect([byPeer(n1!.peerId).datums, byPeer(n1!.peerId).bytes]).toEqual([2, 11])
    expect([byPeer(n2!.peerId).datums, byPeer(n2!.peerId).bytes]).toEqual([1, 6])
    expect(c1.producers().map((c) => [c.stats().datums, c.stats().bytes])).toEqual([[2, 11]])
    expect(c2.producers().map((c) => [c.stats().datums, c.stats().bytes])).toEqual([[1, 6]])
  })

  it('consumer: per-producer and total datums and bytes', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2] = await Promise.all([s.net(), s.net(), s.net()])
    await s.discoverAll([n0!, n1!, n2!])
    const c0 = n0!.streams.consume<Data1>('Data1')
    expect(c0.producers().length).toBe(0)
    const p1 = n1!.streams.produce<Data1>('Data1')
    await within(c0.when.subscribed(), 'one producer')
    await within(p1.when.online(), 'p1 online')
    await p1.send('hello')
    expect(await within(c0.recv(), 'hello')).toBe('hello')
    expect(c0.producers().map((c) => [c.stats().datums, c.stats().bytes])).toEqual([[1, 6]])
    const p2 = n2!.streams.produce<Data1>('Data1')
    await within(c0.when.subscribed().minimumOf(2), 'two producers')
    await within(p2.when.online(), 'p2 online')
    await p2.send('world')
    expect(await within(c0.recv(), 'world')).toBe('world')
    await p1.send('again')
    expect(await within(c0.recv(), 'again')).toBe('again')
    const of = (peer: string) =>
      c0
        .producers()
        .find((p) => p.producerId === peer)!
        .stats()
    expect([of(n1!.peerId).datums, of(n1!.peerId).bytes]).toEqual([2, 12])
    expect([of(n2!.peerId).datums, of(n2!.peerId).bytes]).toEqual([1, 6])
    expect([c0.stats().datums, c0.stats().bytes]).toEqual([3, 18])
  })
})
