import { describe, expect, it } from 'vitest'
import { StreamError } from '../../src/streams/errors.js'
import { type Data1, scope, until, within } from './helpers.js'

// Ports of mosaik tests/streams/producer/{when,auth,builder,limits}.rs (names in the titles).
// mosaik's `sleep_s(2)` before a negative assertion becomes a wait for the refusals the
// producer reported (`stream.refused` telemetry), so each negative check follows an event.

describe('producer (mosaik tests/streams/producer)', () => {
  it('when::smoke: subscribed conditions follow consumers coming and going', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2] = await Promise.all([s.net(), s.net(), s.net()])
    const p1 = n1!.streams.produce<Data1>('Data1')
    await s.discoverAll([n0!, n1!, n2!])
    const c1 = p1.when.subscribed()
    const c2 = p1.when.subscribed().minimumOf(2)
    const c3 = c2.unmet()
    const c4 = p1.when.unsubscribed()
    expect([c1.isConditionMet(), c2.isConditionMet(), c3.isConditionMet(), c4.isConditionMet()]).toEqual([
      false,
      false,
      true,
      true,
    ])
    n0!.streams.consume<Data1>('Data1')
    await within(c1, 'one subscriber')
    expect([c1.isConditionMet(), c2.isConditionMet(), c3.isConditionMet()]).toEqual([true, false, true])
    n2!.streams.consume<Data1>('Data1')
    await within(c2, 'two subscribers')
    expect([c1.isConditionMet(), c2.isConditionMet(), c3.isConditionMet(), c4.isConditionMet()]).toEqual([
      true,
      true,
      false,
      false,
    ])
    await n2!.stop()
    await within(c3, 'back to fewer than two subscribers')
    expect(c2.isConditionMet()).toBe(false)
    const n3 = await s.net()
    await s.discoverAll([n0!, n1!, n3])
    n3.streams.consume<Data1>('Data1')
    await within(c2, 'two subscribers again')
    expect(c3.isConditionMet()).toBe(false)
  })

  it('when::send_fails_if_offline: send waits and trySend refuses until a consumer subscribes', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const producer = n0.streams.produce<Data1>('Data1')
    expect(producer.isOnline()).toBe(false)
    let delivered = false
    const pending = producer.send('test1').then(() => {
      delivered = true
    })
    await new Promise((r) => setImmediate(r))
    expect(delivered).toBe(false)
    expect(producer.trySend('test1')).toBe(false)
    const n1 = await s.net()
    await s.discoverAll([n0, n1])
    const c0 = n1.streams.consume<Data1>('Data1')
    await within(producer.when.online(), 'the producer to go online')
    await within(pending, 'the waiting send to go out')
    expect(await within(c0.recv(), 'the datum sent while offline')).toBe('test1')
    expect(producer.consumers().map((c) => c.consumerId)).toEqual([n1.peerId])
    expect(c0.producers().map((p) => p.producerId)).toEqual([n0.peerId])
    await producer.send('test2')
    expect(await within(c0.recv(), 'test2')).toBe('test2')
    c0.close()
    await within(producer.when.offline(), 'the producer to go offline')
    expect(producer.consumers()).toEqual([])
    expect(producer.trySend('test3')).toBe(false)
  })

  it('auth::require_chaining: a consumer must satisfy every require predicate', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const nBoth = await s.net({ tags: ['tag1', 'tag2'] })
    const nOne = await s.net({ tags: ['tag1'] })
    const nNone = await s.net({ tags: ['tag3'] })
    const p0 = n0.streams.produce<Data1>('Data1', {
      require: [(p) => p.hasTag('tag1'), (p) => p.hasTag('tag2')],
    })
    const cBoth = nBoth.streams.consume<Data1>('Data1')
    const cOne = nOne.streams.consume<Data1>('Data1')
    const cNone = nNone.streams.consume<Data1>('Data1')
    await s.discoverAll([n0, nBoth, nOne, nNone])
    await within(cBoth.when.subscribed(), 'the consumer with both tags to subscribe')
    await until([n0], 'the producer to refuse the other two', () => p0.refusals() >= 2)
    expect(p0.consumers().map((c) => c.consumerId)).toEqual([nBoth.peerId])
    expect(cOne.producers()).toEqual([])
    expect(cNone.producers()).toEqual([])
  })

  it('auth::by_tag: a restricted producer accepts only tagged consumers', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const n1 = await s.net()
    const p0 = n0.streams.produce<Data1>('Data1', { require: (p) => p.hasTag('tag2') })
    const p1 = n1.streams.produce<Data1>('Data1')
    const n3 = await s.net({ tags: ['tag1', 'tag2'] })
    const n4 = await s.net({ tags: ['tag3', 'tag4'] })
    const c3 = n3.streams.consume<Data1>('Data1')
    const c4 = n4.streams.consume<Data1>('Data1')
    await s.discoverAll([n0, n1, n3, n4])
    await within(c3.when.subscribed().minimumOf(2), 'c3 to subscribe to both')
    await within(c4.when.subscribed(), 'c4 to subscribe to one')
    await within(p1.when.subscribed().minimumOf(2), 'p1 to have both')
    await until([n0], 'p0 to refuse c4', () => p0.refusals() >= 1)
    expect(p0.consumers().map((c) => c.consumerId)).toEqual([n3.peerId])
    expect(
      p1
        .consumers()
        .map((c) => c.consumerId)
        .sort(),
    ).toEqual([n3.peerId, n4.peerId].sort())
  })

  it('builder::multiple_producers_one_stream: produce returns the existing producer; options on an existing one throw', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const p0 = n0.streams.produce<Data1>('Data1', { require: (p) => p.hasTag('tag1') })
    let err: unknown
    try {
      n0.streams.produce<Data1>('Data1', { require: () => false })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(StreamError)
    expect((err as StreamError).kind).toBe('exists')
    expect(((err as StreamError).value as typeof p0).streamId.equals(p0.streamId)).toBe(true)
    const dup = n0.streams.produce<Data1>('Data1')
    expect(dup.streamId.equals(p0.streamId)).toBe(true)
    // Announced once the streams code has loaded and serves the protocol.
    await until([n0], 'the stream to be announced', () => n0.discovery.self().streams?.length === 1)
    // The stream stays announced until the last handle closes.
    p0.close()
    expect(n0.discovery.self().streams).toEqual([p0.streamId.toString()])
    dup.close()
    ;(err as StreamError<typeof p0>).value.close()
    expect(n0.discovery.self().streams).toBeUndefined()
  })

  it('limits::max_subs: at most maxConsumers subscribe; a freed slot goes to a waiting consumer', async (ctx) => {
    const s = scope(ctx)
    const MAX = 3
    const COUNT = 7
    const np = await s.net()
    const ncs = await Promise.all(Array.from({ length: COUNT }, () => s.net()))
    const prod = np.streams.produce<Data1>('Data1', { maxConsumers: MAX })
    for (const n of ncs) n.streams.consume<Data1>('Data1')
    await s.discoverAll([np, ...ncs])
    await within(prod.when.subscribed().minimumOf(MAX), 'the producer to fill up')
    await until([np], 'the producer to refuse the others', () => prod.refusals() >= COUNT - MAX)
    expect(prod.consumers().length).toBe(MAX)
    const subscribed = prod.consumers().map((c) => c.consumerId)
    const unsubscribed = ncs.map((n) => n.peerId).filter((p) => !subscribed.includes(p))
    const full = prod.when.subscribed().minimumOf(MAX)
    expect(full.isConditionMet()).toBe(true)
    await ncs.find((n) => n.peerId === subscribed[0])!.stop()
    await within(full.unmet(), 'the producer to see a consumer leave')
    await within(full, 'a waiting consumer to take the free slot', 15_000)
    const now = prod.consumers().map((c) => c.consumerId)
    expect(now.filter((p) => subscribed.includes(p)).length).toBe(MAX - 1)
    expect(unsubscribed).toContain(now.find((p) => !subscribed.includes(p)))
  })

  it('limits::online_when: producers go online only when their condition holds', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const p01 = n0.streams.produce<Data1>('Data1', { onlineWhen: (c) => c.minimumOf(2) })
    const p02 = n0.streams.produce<Data1>('Data2')
    const n1 = await s.net()
    const p11 = n1.streams.produce<Data1>('Data1', { onlineWhen: (c) => c.withTags('tag2').minimumOf(2) })
    const n2 = await s.net()
    await s.discoverAll([n0, n1, n2])
    n2.streams.consume<Data1>('Data1')
    const c22 = n2.streams.consume<Data1>('Data2')
    await within(p01.when.subscribed(), 'p0_1 to have one subscriber')
    expect(p01.isOnline()).toBe(false)
    await within(c22.when.subscribed(), 'c2_2 to subscribe')
    await within(p02.when.online(), 'p0_2 to go online')
    await within(p11.when.subscribed(), 'p1_1 to have one subscriber')
    expect(p11.isOnline()).toBe(false)
    const n3 = await s.net()
    await s.discoverAll([n0, n1, n2, n3])
    n3.streams.consume<Data1>('Data1')
    await within(p01.when.online(), 'p0_1 to go online with two subscribers')
    await within(p11.when.subscribed().minimumOf(2), 'p1_1 to have two subscribers')
    expect(p11.isOnline()).toBe(false)
    const n4 = await s.net({ tags: ['tag2'] })
    const n5 = await s.net({ tags: ['tag2'] })
    await s.discoverAll([n0, n1, n2, n3, n4, n5])
    n4.streams.consume<Data1>('Data1')
    await within(p11.when.subscribed().minimumOf(3), 'p1_1 to have three subscribers')
    expect(p11.isOnline()).toBe(false)
    n5.streams.consume<Data1>('Data1')
    await within(p11.when.online(), 'p1_1 to go online with two tagged subscribers')
    await n5.stop()
    await within(p11.when.offline(), 'p1_1 to go offline after losing a tagged subscriber')
  })
})
