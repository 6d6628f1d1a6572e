import { describe, expect, it, type TestContext } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import { defineStream } from '../../src/streams/define.js'
import { type Data1, scope, until, within } from './helpers.js'

// Ports of mosaik tests/streams/declare.rs: `stream!` declarations become `defineStream`.
// The ticket variants (`*_require_ticket`) are in tickets.test.ts.

const SimpleStream = defineStream<Data1>('Data1')
const NamedStream = defineStream<Data1>('named.stream')
const ConfiguredStream = defineStream<Data1>('configured.stream', {
  require: () => true,
  producer: { onlineWhen: (c) => c.minimumOf(1) },
})
const ProducerOnlyStream = defineStream<Data1>('producer.only', { require: () => true })
const TaggedProducerStream = defineStream<string>('tagged.producer.stream', {
  producer: { require: (peer) => peer.hasTag('trusted') },
})
const TaggedConsumerStream = defineStream<string>('tagged.consumer.stream', {
  consumer: { require: (peer) => peer.hasTag('trusted') },
})
const CONST_STREAM_ID = UniqueId.from('const.stream')
const ConstIdStream = defineStream<Data1>(CONST_STREAM_ID)

describe('declared streams (mosaik tests/streams/declare.rs)', () => {
  async function roundTrip(ctx: TestContext, def: typeof SimpleStream, text: string): Promise<void> {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p0 = def.producer(n0!)
    const c1 = def.consumer(n1!)
    await s.discoverAll([n0!, n1!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await within(p0.send(text), 'the send')
    expect(await within(c1.recv(), 'the datum')).toBe(text)
  }

  it('stream_macro_simple', (ctx) => roundTrip(ctx, SimpleStream, 'hello macro'))

  it('stream_macro_named: the id is the name hashed', async (ctx) => {
    expect(NamedStream.streamId.equals(UniqueId.from('named.stream'))).toBe(true)
    await roundTrip(ctx, NamedStream, 'hello named')
  })

  it('stream_macro_configured', (ctx) => roundTrip(ctx, ConfiguredStream, 'hello configured'))

  it('stream_macro_producer_only: a plain consumer of the same id receives', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p0 = ProducerOnlyStream.producer(n0!)
    const c1 = n1!.streams.consume<Data1>('producer.only')
    await s.discoverAll([n0!, n1!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await p0.send('hello producer only')
    expect(await within(c1.recv(), 'the datum')).toBe('hello producer only')
  })

  it('stream_macro_producer_require: only trusted consumers are accepted', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const n1 = await s.net({ tags: ['trusted'] })
    const n2 = await s.net()
    const p0 = TaggedProducerStream.producer(n0)
    const c1 = n1.streams.consume<string>('tagged.producer.stream')
    const c2 = n2.streams.consume<string>('tagged.producer.stream')
    await s.discoverAll([n0, n1, n2])
    await within(c1.when.subscribed(), 'the trusted consumer to subscribe')
    await until([n0], 'the untrusted one to be refused', () => p0.refusals() >= 1)
    await p0.send('hello trusted consumer')
    expect(await within(c1.recv(), 'the datum')).toBe('hello trusted consumer')
    expect(c2.producers()).toEqual([])
  })

  it('stream_macro_consumer_require: only trusted producers are subscribed to', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const n1 = await s.net({ tags: ['trusted'] })
    const n2 = await s.net()
    const c0 = TaggedConsumerStream.consumer(n0)
    n1.streams.produce<string>('tagged.consumer.stream')
    n2.streams.produce<string>('tagged.consumer.stream')
    await s.discoverAll([n0, n1, n2])
    await within(c0.when.subscribed(), 'a subscription')
    expect(c0.producers().map((p) => p.producerId)).toEqual([n1.peerId])
  })

  it('stream_macro_const_id: an id given as a UniqueId', async (ctx) => {
    expect(ConstIdStream.streamId.equals(CONST_STREAM_ID)).toBe(true)
    await roundTrip(ctx, ConstIdStream, 'hello const')
  })

  it('online_producer / online_consumer resolve once online', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    await s.discoverAll([n0!, n1!])
    const consumer = await within(SimpleStream.onlineConsumer(n1!), 'an online consumer')
    const producer = await within(SimpleStream.onlineProducer(n0!), 'an online producer')
    expect(producer.isOnline() && consumer.isOnline()).toBe(true)
  })
})
