import { describe, expect, it } from 'vitest'
import type { Channel } from '../../src/network/types.js'
import { defineStream } from '../../src/streams/define.js'
import { scope, until, within } from './helpers.js'

// Every byte from a peer is hostile: a producer or consumer that breaks the protocol is cut
// off and counted (`network.rejected()`), nothing reaches the app.

const ID = defineStream('hostile').streamId

/** n0 pretends to produce `hostile`, answering subscriptions with `script`. */
async function fakeProducer(s: ReturnType<typeof scope>, script: (ch: Channel) => void) {
  const n0 = await s.net()
  n0.discovery.addStream(ID)
  n0.handle('streams', (ch) => {
    ch.onMessage((m) => {
      const sub = m as { t: string; net: string; stream: string }
      if (sub.t === 'sub') script(ch)
    })
  })
  return n0
}

describe('hostile stream peers', () => {
  it('a producer that runs past its window is cut off as a protocol violation', async (ctx) => {
    const s = scope(ctx)
    const n0 = await fakeProducer(s, (ch) => {
      ch.send({ t: 'start', net: s.nets.all[0]!.id.toString(), stream: ID.toString(), window: 2 })
      for (let i = 0; i < 3; i++) ch.send({ t: 'd', v: new Uint8Array([i]) })
    })
    const n1 = await s.net()
    const c = n1.streams.consume<number>(ID)
    await s.discoverAll([n0, n1])
    await until([n1], 'the consumer to refuse the third datum', () => (n1.rejected().protocol ?? 0) >= 1)
    expect(c.stats().datums).toBe(2)
  })

  it('a producer that grants itself a larger window than the consumer asked is cut off before any datum counts', async (ctx) => {
    const s = scope(ctx)
    const n0 = await fakeProducer(s, (ch) => {
      ch.send({ t: 'start', net: s.nets.all[0]!.id.toString(), stream: ID.toString(), window: 8 })
      for (let i = 0; i < 3; i++) ch.send({ t: 'd', v: new Uint8Array([i]) })
    })
    const n1 = await s.net()
    const c = n1.streams.consume<number>(ID, { window: 2 })
    await s.discoverAll([n0, n1])
    await until(
      [n1],
      'the consumer to refuse the start, or to take a third datum',
      () => (n1.rejected().protocol ?? 0) >= 1 || c.stats().datums >= 3,
    )
    expect(c.stats().datums).toBe(0)
  })

  it('an oversized or undecodable datum ends the link and is counted; a schema refusal is counted and skipped', async (ctx) => {
    const s = scope(ctx)
    let round = 0
    const n0 = await fakeProducer(s, (ch) => {
      round++
      ch.send({ t: 'start', net: s.nets.all[0]!.id.toString(), stream: ID.toString(), window: 8 })
      if (round === 1) ch.send({ t: 'd', v: new Uint8Array(100) })
      else if (round === 2) ch.send({ t: 'd', v: new Uint8Array([0xff, 0xff]) })
      else {
        ch.send({ t: 'd', v: new Uint8Array([0x61, 0x78]) }) // "x": refused by the schema
        ch.send({ t: 'd', v: new Uint8Array([0x05]) }) // 5
      }
    })
    const n1 = await s.net()
    const numbers = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (v: unknown) => (typeof v === 'number' ? { value: v } : { issues: [{ message: 'not a number' }] }),
      },
    }
    const c = n1.streams.consume<number>(ID, { maxDatumBytes: 64, schema: numbers })
    await s.discoverAll([n0, n1])
    expect(await within(c.recv(), 'the one valid datum', 20_000)).toBe(5)
    expect(n1.rejected().oversized).toBe(1)
    expect(n1.rejected().malformed).toBe(1)
    expect(n1.rejected()['invalid-value']).toBe(1)
    expect(c.stats().refused).toBe(1)
  })

  it('a consumer acknowledging more than it was sent, or sending garbage first, is cut off', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p = n0!.streams.produce<number>(ID)
    await s.discoverAll([n0!, n1!])
    const greedy = await n1!.openChannel(n0!.peerId, 'streams')
    greedy.onMessage((m) => {
      if ((m as { t: string }).t === 'probe') greedy.send({ t: 'probe' })
      if ((m as { t: string }).t === 'start') greedy.send({ t: 'ack', n: 1000 })
    })
    greedy.send({ t: 'sub', net: n0!.id.toString(), stream: ID.toString(), window: 4, criteria: {} })
    await until([n0!], 'the producer to refuse the ack', () => (n0!.rejected().protocol ?? 0) >= 1)
    const garbage = await n1!.openChannel(n0!.peerId, 'streams')
    garbage.send({ hello: 'there' })
    await until([n0!], 'the producer to refuse the garbage', () => (n0!.rejected().malformed ?? 0) >= 1)
    expect(p.consumers()).toEqual([])
  })

  it('a consumer frame larger than a consumer ever sends is refused before it is decoded; datums still go out large', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p = n0!.streams.produce<Uint8Array>(ID, { maxDatumBytes: 512 * 1024 })
    await s.discoverAll([n0!, n1!])
    const bloated = await n1!.openChannel(n0!.peerId, 'streams')
    let probed = false
    bloated.onMessage((m) => {
      if ((m as { t: string }).t === 'probe') probed = true
    })
    const sub = { t: 'sub', net: n0!.id.toString(), stream: ID.toString(), window: 4, criteria: {} }
    bloated.send({ ...sub, padding: new Uint8Array(64 * 1024) })
    await until(
      [n0!],
      'the producer to refuse the frame, or to probe the consumer',
      () => (n0!.rejected().oversized ?? 0) >= 1 || probed,
    )
    expect(probed).toBe(false)
    // A consumer still receives a datum far larger than anything it may send.
    const c = n1!.streams.consume<Uint8Array>(ID, { maxDatumBytes: 512 * 1024 })
    await within(c.when.subscribed(), 'the consumer to subscribe')
    await within(p.send(new Uint8Array(300 * 1024)), 'the send')
    expect((await within(c.recv(), 'the datum'))?.length).toBe(300 * 1024)
  })
})
