import { describe, expect, it } from 'vitest'
import { StreamError } from '../../src/streams/errors.js'
import { type Data1, scope, until, within } from './helpers.js'

describe('stream lifecycle', () => {
  it('closing a consumer ends its links and leaves no channel open; the stream is withdrawn with its last producer', async (ctx) => {
    const s = scope(ctx)
    const [n0, n1] = await Promise.all([s.net(), s.net()])
    const p = n0!.streams.produce<Data1>('life')
    const c = n1!.streams.consume<Data1>('life')
    await s.discoverAll([n0!, n1!])
    await within(p.when.online(), 'the producer online')
    expect(n1!.openChannels).toBeGreaterThan(0)
    const pending = c.recv()
    c.close()
    expect(await pending).toBeUndefined()
    await within(p.when.offline(), 'the producer to see the consumer leave')
    await until([n0!, n1!], 'every stream channel to close', () => n0!.openChannels === 0 && n1!.openChannels === 0)
    p.close()
    expect(n0!.discovery.self().streams).toBeUndefined()
    await expect(p.send('late')).rejects.toBeInstanceOf(StreamError)
    expect(p.trySend('late')).toBe(false)
  })

  it('a bad value from the app is a typed error, and nothing is sent', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const p = n0.streams.produce<unknown>('typed', { maxDatumBytes: 16 })
    const err = await p.send('x'.repeat(100)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StreamError)
    expect((err as StreamError).kind).toBe('encoding')
    const fn = await p.send(() => 1).catch((e: unknown) => e)
    expect((fn as StreamError).kind).toBe('encoding')
  })

  it('stopping the network closes producers and consumers; their waits end', async (ctx) => {
    const s = scope(ctx)
    const n0 = await s.net()
    const p = n0.streams.produce<Data1>('stop')
    const c = n0.streams.consume<Data1>('other')
    const waiting = p.send('never').catch((e: unknown) => e)
    const receiving = c.recv()
    await n0.stop()
    expect(((await waiting) as StreamError).kind).toBe('closed')
    expect(await receiving).toBeUndefined()
    // A stopped network has no streams service to open (ClosedError, as for groups).
    expect(() => n0.streams.produce('again')).toThrow()
  })
})
