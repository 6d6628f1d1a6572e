import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { StreamChannel } from '../../src/network/channel.js'
import { defineStream } from '../../src/streams/define.js'
import { type Data1, scope, within } from './helpers.js'

// Ports of mosaik tests/streams/smoke.rs (test names in the titles).

describe('streams smoke (mosaik tests/streams/smoke.rs)', () => {
  it('send_recv: one producer reaches two consumers in order', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2] = await Promise.all([s.net(), s.net(), s.net()])
    await s.discoverAll([n0!, n1!, n2!])
    const p0 = n0!.streams.produce<Data1>('Data1')
    const c1 = n1!.streams.consume<Data1>('Data1')
    const c2 = n2!.streams.consume<Data1>('Data1')
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await within(c2.when.subscribed(), 'c2 to subscribe')
    const COUNT = 100
    const sends = (async () => {
      for (let i = 0; i < COUNT; i++) await p0.send(`hello from n0 ${i}`)
    })()
    const got1: string[] = []
    const got2: string[] = []
    for (let i = 0; i < COUNT; i++) got1.push((await within(c1.recv(), `c1 datum ${i}`)) as string)
    for (let i = 0; i < COUNT; i++) got2.push((await within(c2.recv(), `c2 datum ${i}`)) as string)
    await sends
    const expected = Array.from({ length: COUNT }, (_, i) => `hello from n0 ${i}`)
    expect(got1).toEqual(expected)
    expect(got2).toEqual(expected)
    expect(c1.stats().datums).toBe(COUNT)
    expect(c2.stats().datums).toBe(COUNT)
  })

  it('subscription_triggers_catalog_sync: a subscriber unknown to the producer is refused, then accepted once known', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net({ tags: ['tag1', 'tag2', 'tag3'] })
    const n1 = await s.net()
    n0.streams.produce<Data1>('Data1')
    // A raw subscription from a peer the producer has never heard of: one of another network
    // (it shares no discovery with n0), speaking n0's streams protocol directly.
    const stranger = await s.nets.create({ network: `${s.name}-elsewhere` })
    const stream = await stranger.libp2p.dialProtocol(multiaddr(n0.addresses()[0]!), n0.protocol('streams'))
    const raw = new StreamChannel(stream, n0.peerId, stranger)
    const answer = new Promise((resolve) => raw.onMessage(resolve))
    raw.send({
      t: 'sub',
      net: n0.id.toString(),
      stream: defineStream('Data1').streamId.toString(),
      window: 8,
      criteria: {},
    })
    expect(await within(answer, 'the producer to answer')).toEqual({ t: 'close', reason: 'unknown-peer' })
    // Once discovery has exchanged catalogs, a consumer subscribes and sees n0's tags.
    const c1 = n1.streams.consume<Data1>('Data1')
    await s.discoverAll([n0, n1])
    await within(c1.when.subscribed(), 'c1 to subscribe after catalog sync')
    const tags = n1.discovery.catalog().get(n0.peerId)?.tags ?? []
    expect(c1.producers()[0]?.peer.tags).toEqual(tags)
    expect(c1.producers()[0]!.peer.tags.length).toBe(3)
  })

  it('custom_stream_id: two streams of one type on one peer are kept apart by id', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p1 = n0!.streams.produce<Data1>('stream1234')
    const p2 = n0!.streams.produce<Data1>('stream5678')
    const c1 = n1!.streams.consume<Data1>('stream1234')
    const c2 = n1!.streams.consume<Data1>('stream5678')
    await s.discoverAll([n0!, n1!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await within(c2.when.subscribed(), 'c2 to subscribe')
    await p1.send('hello1234')
    await p2.send('hello5678')
    expect(await within(c1.recv(), 'c1 datum')).toBe('hello1234')
    expect(await within(c2.recv(), 'c2 datum')).toBe('hello5678')
  })

  it('custom_datum_encoding: a schema on the consumer transforms what it decodes', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p0 = n0!.streams.produce<string>('CustomData')
    const customDecode = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (v: unknown) =>
          typeof v === 'string' ? { value: `${v}-custom-decode` } : { issues: [{ message: 'not a string' }] },
      },
    }
    const c1 = n1!.streams.consume<string>('CustomData', { schema: customDecode })
    await s.discoverAll([n0!, n1!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await within(p0.when.subscribed(), 'p0 to see its consumer')
    await p0.send('hello custom encoding')
    expect(await within(c1.recv(), 'c1 datum')).toBe('hello custom encoding-custom-decode')
  })

  it('stream_def: a declared stream gives both sides its id', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const def = defineStream<Data1>('my-stream1')
    const p0 = def.producer(n0!)
    const c1 = def.consumer(n1!)
    expect(p0.streamId.equals(def.streamId)).toBe(true)
    expect(c1.streamId.toString()).toBe(def.streamId.toString())
    await s.discoverAll([n0!, n1!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await p0.send('hello stream def')
    expect(await within(c1.recv(), 'c1 datum')).toBe('hello stream def')
  })
})
