import { describe, expect, it } from 'vitest'
import { defineStream } from '../../src/streams/define.js'
import { Expiration, Hs256, Jwt, JwtTicketBuilder } from '../../src/tickets/index.js'
import { type Data1, scope, until, within } from './helpers.js'

// Ports of the ticket scenarios of mosaik tests/streams: producer/auth.rs and
// consumer/auth.rs `by_jwt_ticket`, declare.rs `*_require_ticket`. Negative checks follow
// the producer's refusals or, on the consumer side, the full catalog.

const SECRET = '87e50edd90e2f9d53a7f2a9bd51c1069a454b827f0e1002577c54e1c2a598568'
const key = Hs256.fromSecret(SECRET)
const issued = new JwtTicketBuilder(key).issuer('mosaik.test.jwt.issuer')
const validator = Jwt.withKey(key).allowIssuer('mosaik.test.jwt.issuer')

const TicketAuthStream = defineStream<Data1>('ticket.auth.stream', { requireTicket: validator })
const ProducerTicketStream = defineStream<Data1>('producer.ticket.stream', { producer: { requireTicket: validator } })
const ConsumerTicketStream = defineStream<Data1>('consumer.ticket.stream', { consumer: { requireTicket: validator } })
const alpha = Hs256.fromSecret('aa'.repeat(32))
const beta = Hs256.fromSecret('bb'.repeat(32))
const MultiTicketStream = defineStream<Data1>('multi.ticket.stream', {
  requireTicket: [Jwt.withKey(alpha).allowIssuer('issuer-alpha'), Jwt.withKey(beta).allowIssuer('issuer-beta')],
})

describe('stream tickets (mosaik tests/streams, ticket scenarios)', () => {
  it('producer::auth::by_jwt_ticket: only a consumer with a valid ticket subscribes', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2, n3] = await Promise.all([s.net(), s.net(), s.net(), s.net()])
    n1!.discovery.addTicket(await issued.build(n1!.peerId))
    n2!.discovery.addTicket(await issued.build(n2!.peerId, Expiration.alreadyExpired()))
    const p0 = n0!.streams.produce<Data1>('Data1', { requireTicket: validator })
    const c1 = n1!.streams.consume<Data1>('Data1')
    const c2 = n2!.streams.consume<Data1>('Data1')
    const c3 = n3!.streams.consume<Data1>('Data1')
    await s.discoverAll([n0!, n1!, n2!, n3!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await until([n0!], 'the producer to refuse c2 and c3', () => p0.refusals() >= 2)
    expect(p0.consumers().map((c) => c.consumerId)).toEqual([n1!.peerId])
    await p0.send('one')
    expect(await within(c1.recv(), 'one')).toBe('one')
    expect([c2.producers().length, c3.producers().length]).toEqual([0, 0])
  })

  it('consumer::auth::by_jwt_ticket: a consumer subscribes only to producers with a valid ticket', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2, n3] = await Promise.all([s.net(), s.net(), s.net(), s.net()])
    n1!.discovery.addTicket(await issued.build(n1!.peerId))
    n2!.discovery.addTicket(await issued.build(n2!.peerId, Expiration.alreadyExpired()))
    const p1 = n1!.streams.produce<Data1>('Data1')
    n2!.streams.produce<Data1>('Data1')
    n3!.streams.produce<Data1>('Data1')
    const c0 = n0!.streams.consume<Data1>('Data1', { requireTicket: validator })
    await s.discoverAll([n0!, n1!, n2!, n3!])
    await until([n0!], "n0 to see every producer's entry with its tickets", () =>
      [n1!, n2!].every((n) => (n0!.discovery.catalog().get(n.peerId)?.tickets.length ?? 0) > 0),
    )
    await within(c0.when.subscribed(), 'c0 to subscribe')
    expect(c0.producers().map((p) => p.producerId)).toEqual([n1!.peerId])
    await within(p1.when.online(), 'p1 online')
    await p1.send('hello')
    expect(await within(c0.recv(), 'hello')).toBe('hello')
  })

  it('stream_macro_require_ticket: both sides need a ticket', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2, n3] = await Promise.all([s.net(), s.net(), s.net(), s.net()])
    n0!.discovery.addTicket(await issued.build(n0!.peerId))
    n1!.discovery.addTicket(await issued.build(n1!.peerId))
    n2!.discovery.addTicket(await issued.build(n2!.peerId, Expiration.alreadyExpired()))
    const p0 = TicketAuthStream.producer(n0!)
    const c1 = TicketAuthStream.consumer(n1!)
    const c2 = TicketAuthStream.consumer(n2!)
    const c3 = TicketAuthStream.consumer(n3!)
    await s.discoverAll([n0!, n1!, n2!, n3!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    expect(c2.when.subscribed().isConditionMet() || c3.when.subscribed().isConditionMet()).toBe(false)
    await p0.send('ticket-gated')
    expect(await within(c1.recv(), 'the datum')).toBe('ticket-gated')
    expect(p0.consumers().map((c) => c.consumerId)).toEqual([n1!.peerId])
  })

  it('stream_macro_producer_require_ticket', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2] = await Promise.all([s.net(), s.net(), s.net()])
    n1!.discovery.addTicket(await issued.build(n1!.peerId))
    const p0 = ProducerTicketStream.producer(n0!)
    const c1 = n1!.streams.consume<Data1>('producer.ticket.stream')
    const c2 = n2!.streams.consume<Data1>('producer.ticket.stream')
    await s.discoverAll([n0!, n1!, n2!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    await until([n0!], 'the producer to refuse c2', () => p0.refusals() >= 1)
    expect(c2.when.subscribed().isConditionMet()).toBe(false)
    await p0.send('producer ticket')
    expect(await within(c1.recv(), 'the datum')).toBe('producer ticket')
  })

  it('stream_macro_consumer_require_ticket', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1, n2] = await Promise.all([s.net(), s.net(), s.net()])
    n1!.discovery.addTicket(await issued.build(n1!.peerId))
    const c0 = ConsumerTicketStream.consumer(n0!)
    const p1 = n1!.streams.produce<Data1>('consumer.ticket.stream')
    n2!.streams.produce<Data1>('consumer.ticket.stream')
    await s.discoverAll([n0!, n1!, n2!])
    await within(c0.when.subscribed(), 'c0 to subscribe')
    expect(c0.producers().map((p) => p.producerId)).toEqual([n1!.peerId])
    await within(p1.when.online(), 'p1 online')
    await p1.send('consumer ticket')
    expect(await within(c0.recv(), 'the datum')).toBe('consumer ticket')
  })

  it('stream_macro_multiple_require_ticket: every validator must be satisfied', async (ctx) => {
    const s = scope(ctx)
    const a = new JwtTicketBuilder(alpha).issuer('issuer-alpha')
    const b = new JwtTicketBuilder(beta).issuer('issuer-beta')
    const [n0, n1, n2, n3] = await Promise.all([s.net(), s.net(), s.net(), s.net()])
    for (const n of [n0!, n1!]) {
      n.discovery.addTicket(await a.build(n.peerId))
      n.discovery.addTicket(await b.build(n.peerId))
    }
    n2!.discovery.addTicket(await a.build(n2!.peerId))
    n3!.discovery.addTicket(await b.build(n3!.peerId))
    const p0 = MultiTicketStream.producer(n0!)
    const c1 = MultiTicketStream.consumer(n1!)
    const c2 = MultiTicketStream.consumer(n2!)
    const c3 = MultiTicketStream.consumer(n3!)
    await s.discoverAll([n0!, n1!, n2!, n3!])
    await within(c1.when.subscribed(), 'c1 to subscribe')
    expect(c2.when.subscribed().isConditionMet() || c3.when.subscribed().isConditionMet()).toBe(false)
    await p0.send('multi-ticket-gated')
    expect(await within(c1.recv(), 'the datum')).toBe('multi-ticket-gated')
    expect(p0.consumers().map((c) => c.consumerId)).toEqual([n1!.peerId])
  })

  it('a subscription ends when the consumer ticket expires', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    n1!.discovery.addTicket(await issued.build(n1!.peerId, Expiration.in(1_500)))
    const p0 = n0!.streams.produce<Data1>('expiring', { requireTicket: validator })
    const c1 = n1!.streams.consume<Data1>('expiring')
    await s.discoverAll([n0!, n1!])
    await within(p0.when.subscribed(), 'c1 to subscribe while its ticket is valid')
    await within(p0.when.unsubscribed(), 'the producer to drop c1 when the ticket expires')
    expect(c1.producers()).toEqual([])
  })
})
