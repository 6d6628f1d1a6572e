import { describe, expect, it } from 'vitest'
import { type Data1, scope, until, within } from './helpers.js'

// Ports of mosaik tests/streams/consumer/{when,auth}.rs (names in the titles). A consumer
// evaluates `require` on every catalog entry it sees, synchronously: once the catalogs are
// full and the eligible links are up, the ineligible producers have been passed over.

describe('consumer (mosaik tests/streams/consumer)', () => {
  it('when::smoke: subscribed conditions follow producers coming and going', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2] = await Promise.all([s.net(), s.net(), s.net()])
    await s.discoverAll([n0!, n1!, n2!])
    const c1 = n1!.streams.consume<Data1>('Data1')
    const cond1 = c1.when.subscribed()
    const cond2 = c1.when.subscribed().minimumOf(2)
    const cond3 = cond2.unmet()
    const cond4 = c1.when.unsubscribed()
    expect([cond1.isConditionMet(), cond2.isConditionMet(), cond3.isConditionMet(), cond4.isConditionMet()]).toEqual([
      false,
      false,
      true,
      true,
    ])
    n0!.streams.produce<Data1>('Data1')
    await within(cond1, 'one producer')
    expect(cond2.isConditionMet()).toBe(false)
    n2!.streams.produce<Data1>('Data1')
    await within(cond2, 'two producers')
    expect([cond3.isConditionMet(), cond4.isConditionMet()]).toEqual([false, false])
    await n2!.stop()
    await within(cond3, 'fewer than two producers')
    const n3 = await s.net()
    await s.discoverAll([n0!, n1!, n3])
    n3.streams.produce<Data1>('Data1')
    await within(cond2, 'two producers again')
    expect(cond3.isConditionMet()).toBe(false)
  })

  it('when::online_when: online only with two producers tagged t1 and t2', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const n1 = await s.net({ tags: ['t1', 't2'] })
    const n2 = await s.net({ tags: ['t1', 't2'] })
    const c0 = n0.streams.consume<Data1>('Data1', { onlineWhen: (c) => c.minimumOf(2).withTags(['t1', 't2']) })
    expect(c0.isOnline()).toBe(false)
    await s.discoverAll([n0, n1, n2])
    n1.streams.produce<Data1>('Data1')
    await within(c0.when.subscribed(), 'one producer')
    expect(c0.isOnline()).toBe(false)
    n2.streams.produce<Data1>('Data1')
    await within(c0.when.online(), 'two tagged producers')
    await n2.stop()
    await within(c0.when.offline(), 'the consumer to go offline after losing one')
  })

  it('when::online_when_catalog_removal: a producer that loses its tag is dropped and the consumer goes offline', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const n1 = await s.net({ tags: ['trusted'] })
    const n2 = await s.net({ tags: ['trusted'] })
    const c0 = n0.streams.consume<Data1>('Data1', {
      require: (p) => p.hasTag('trusted'),
      onlineWhen: (c) => c.minimumOf(2),
    })
    n1.streams.produce<Data1>('Data1')
    n2.streams.produce<Data1>('Data1')
    await s.discoverAll([n0, n1, n2])
    await within(c0.when.online(), 'two trusted producers')
    n1.discovery.removeTags('trusted')
    await within(c0.when.offline(), 'the consumer to drop the untagged producer')
    expect(c0.producers().map((p) => p.producerId)).toEqual([n2.peerId])
  })

  it('when::online_when_default_is_immediate: a default consumer is online at once', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const c0 = n0.streams.consume<Data1>('Data1')
    expect(c0.isOnline()).toBe(true)
    await within(c0.when.online(), 'online at once', 1_000)
  })

  it('auth::require_chaining: a producer must satisfy every require predicate', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const nBoth = await s.net({ tags: ['tag1', 'tag2'] })
    const nOne = await s.net({ tags: ['tag1'] })
    const nNone = await s.net({ tags: ['tag3'] })
    for (const n of [nBoth, nOne, nNone]) n.streams.produce<Data1>('Data1')
    const consumer = n0.streams.consume<Data1>('Data1', {
      require: [(p) => p.hasTag('tag1'), (p) => p.hasTag('tag2')],
    })
    await s.discoverAll([n0, nBoth, nOne, nNone])
    await within(consumer.when.subscribed(), 'the consumer to subscribe')
    expect(consumer.producers().map((p) => p.producerId)).toEqual([nBoth.peerId])
  })

  it('auth::by_tag: a restricted consumer subscribes only to tagged producers', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const n1 = await s.net({ tags: ['tag1', 'tag2'] })
    const n2 = await s.net({ tags: ['tag4', 'tag5'] })
    const c01 = n0.streams.consume<Data1>('Data1', { require: (p) => p.hasTag('tag2') })
    const c02 = n0.streams.consume<Data1>('Data1')
    const p1 = n1.streams.produce<Data1>('Data1')
    const p2 = n2.streams.produce<Data1>('Data1')
    await s.discoverAll([n0, n1, n2])
    await within(c01.when.subscribed(), 'c0_1 to subscribe')
    await within(c02.when.subscribed().minimumOf(2), 'c0_2 to subscribe to both')
    await within(p1.when.subscribed().minimumOf(2), 'p1 to see both consumers of n0')
    await within(p2.when.subscribed(), 'p2 to see c0_2')
    expect(c01.producers().map((p) => p.producerId)).toEqual([n1.peerId])
    expect(
      c02
        .producers()
        .map((p) => p.producerId)
        .sort(),
    ).toEqual([n1.peerId, n2.peerId].sort())
  })

  it('auth::dynamic_tag_reevaluation: links follow producers losing and gaining a tag', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const n1 = await s.net({ tags: ['leader'] })
    const n2 = await s.net({ tags: ['follower'] })
    const consumer = n0.streams.consume<Data1>('Data1', { require: (p) => p.hasTag('leader') })
    n1.streams.produce<Data1>('Data1')
    n2.streams.produce<Data1>('Data1')
    await s.discoverAll([n0, n1, n2])
    await within(consumer.when.subscribed(), 'a link to the leader')
    expect(consumer.producers().map((p) => p.producerId)).toEqual([n1.peerId])
    n1.discovery.removeTags('leader')
    await within(consumer.when.unsubscribed(), 'the link to end when n1 loses the tag')
    n2.discovery.addTags('leader')
    await until([n0], 'a link to the new leader', () => consumer.producers()[0]?.producerId === n2.peerId)
    expect(consumer.producers().length).toBe(1)
  })
})
