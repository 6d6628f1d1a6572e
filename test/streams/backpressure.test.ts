import { describe, expect, it } from 'vitest'
import { type Data1, scope, until, within } from './helpers.js'

// Not in mosaik's suite: bounded buffers and the lagging policies (`onLagging`).

describe('stream backpressure', () => {
  it('disconnects a consumer that stops reading while a fast one gets everything', async (ctx) => {
    const s = scope(ctx)
    const [n0, fast, slow] = await Promise.all([s.net(), s.net(), s.net()])
    const p = n0!.streams.produce<number>('nums', { window: 4, bufferSize: 8 })
    const cf = fast!.streams.consume<number>('nums')
    const cs = slow!.streams.consume<number>('nums')
    await s.discoverAll([n0!, fast!, slow!])
    await within(p.when.subscribed().minimumOf(2), 'both consumers')
    const got: number[] = []
    const reader = (async () => {
      while (got.length < 100) got.push((await cf.recv()) as number)
    })()
    const cutOff: string[] = []
    n0!.onTelemetry((e) => {
      if (e.type === 'stream.link' && !e.up && e.reason === 'too-slow') cutOff.push(e.remote)
    })
    for (let i = 0; i < 100; i++) await within(p.send(i), `send ${i}`)
    await within(reader, 'the fast consumer to read all 100')
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i))
    // The slow one held at most its window before it was cut off.
    expect(cs.stats().lag).toBeLessThanOrEqual(4)
    await until([n0!], 'the slow consumer to be cut off as too slow', () => cutOff.length > 0)
    expect(cutOff[0]).toBe(slow!.peerId)
  })

  it('drop-oldest samples: the newest datums reach a slow consumer, drops are counted', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p = n0!.streams.produce<number>('nums', { window: 2, bufferSize: 3, onLagging: 'drop-oldest' })
    const c = n1!.streams.consume<number>('nums')
    await s.discoverAll([n0!, n1!])
    await within(p.when.online(), 'the producer online')
    for (let i = 0; i < 20; i++) expect(p.trySend(i)).toBe(true)
    expect(p.stats().dropped).toBe(15)
    expect(p.consumers()[0]!.stats().lag).toBe(5)
    const got: number[] = []
    for (let i = 0; i < 5; i++) got.push((await within(c.recv(), `datum ${i}`)) as number)
    expect(got).toEqual([0, 1, 17, 18, 19])
    await until([n0!], 'the lag to drain', () => p.consumers()[0]!.stats().lag === 0)
  })

  it('trySend is refused when full, and send waits for room (drop-newest)', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p = n0!.streams.produce<Data1>('s', { window: 2, bufferSize: 3, onLagging: 'drop-newest' })
    const c = n1!.streams.consume<Data1>('s')
    await s.discoverAll([n0!, n1!])
    await within(p.when.online(), 'the producer online')
    const accepted = Array.from({ length: 6 }, (_, i) => p.trySend(`v${i}`))
    expect(accepted).toEqual([true, true, true, true, true, false])
    let sent = false
    const pending = p.send('late').then(() => {
      sent = true
    })
    await new Promise((r) => setImmediate(r))
    expect(sent).toBe(false)
    expect(await within(c.recv(), 'the first datum')).toBe('v0')
    await within(pending, 'send to get room once the consumer read one')
    const rest: Data1[] = []
    for (let i = 0; i < 5; i++) rest.push((await within(c.recv(), `datum ${i}`)) as Data1)
    expect(rest).toEqual(['v1', 'v2', 'v3', 'v4', 'late'])
  })

  it('queues at most maxQueuedBytes for a consumer, whatever the datum count', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p = n0!.streams.produce<string>('bytes', { window: 1, maxQueuedBytes: 100, onLagging: 'drop-newest' })
    const c = n1!.streams.consume<string>('bytes')
    await s.discoverAll([n0!, n1!])
    await within(p.when.online(), 'the producer online')
    // Each datum is 11 bytes of CBOR: one in flight, nine queued (99 bytes), then full.
    const accepted = Array.from({ length: 12 }, (_, i) => p.trySend(`datum-${String(i).padStart(4, '0')}`))
    expect(accepted.filter(Boolean).length).toBe(10)
    expect(p.consumers()[0]!.stats().lag).toBe(10)
    expect(await within(c.recv(), 'the first datum')).toBe('datum-0000')
  })
})
