import { describe, expect, it } from 'vitest'
import { StreamError } from '../../src/streams/errors.js'
import { type Data1, scope, until, within } from './helpers.js'

// The streams service loads its engine (engine.ts: serving, fanout, consumers) on the first
// `produce` or `consume`; the handles are returned at once. These check the handles before,
// across and instead of that load.

describe('streams loaded on first use', () => {
  it('hands out offline handles at once, which work once the code has loaded', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    await s.discoverAll([n0!, n1!])
    const p0 = n0!.streams.produce<Data1>('Data1')
    const c1 = n1!.streams.consume<Data1>('Data1')
    // Nothing has loaded yet in this turn: offline, nothing announced, nothing to receive.
    expect([p0.isOnline(), p0.trySend('early'), p0.consumers(), p0.stats().consumers]).toEqual([false, false, [], 0])
    expect([c1.tryRecv(), c1.producers(), c1.stats().datums]).toEqual([undefined, [], 0])
    expect(n0!.discovery.self().streams).toBeUndefined()
    const sent = p0.send('first')
    expect(await within(c1.recv(), 'the first datum')).toBe('first')
    await sent
    expect(p0.consumers().length).toBe(1)
    expect(c1.producers().map((l) => l.producerId)).toEqual([n0!.peerId])
  })

  it('closes handles closed before the code loaded without announcing or subscribing', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const p0 = n0.streams.produce<Data1>('Data1')
    const c0 = n0.streams.consume<Data1>('Other')
    const pending = c0.recv()
    p0.close()
    c0.close()
    await expect(p0.send('late')).rejects.toMatchObject({ kind: 'closed' })
    expect(await within(pending, 'the pending recv to end')).toBeUndefined()
    // A later producer loads the code; the closed one never announced its stream.
    const p1 = n0.streams.produce<Data1>('Data2')
    await until([n0], 'the second stream to be announced', () => n0.discovery.self().streams?.length === 1)
    expect(n0.discovery.self().streams).toEqual([p1.streamId.toString()])
    expect(n0.streams.consumers.size).toBe(0)
  })

  it('ends the handles of a network stopped before the code loaded', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const p0 = n0.streams.produce<Data1>('Data1')
    const c0 = n0.streams.consume<Data1>('Data1')
    const sent = p0.send('never')
    const received = c0.recv()
    await n0.stop()
    const err = await sent.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(StreamError)
    expect((err as StreamError).kind).toBe('closed')
    expect(await within(received, 'the recv to end')).toBeUndefined()
    expect([p0.closed, c0.closed]).toEqual([true, true])
    expect(() => n0.streams.produce<Data1>('Data1')).toThrow()
  })
})
