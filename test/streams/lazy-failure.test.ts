import { describe, expect, it, vi } from 'vitest'
import { type Data1, scope, within } from './helpers.js'

// When the streams engine cannot load (a chunk that fails to download), the handles end as
// closed instead of waiting forever, and the failure is logged once.

describe('streams whose code fails to load', () => {
  it('close their handles: sends reject as closed, receives end', async (ctx) => {
    vi.doMock('../../src/streams/engine.js', () => {
      throw new Error('chunk failed to load')
    })
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    ctx.onTestFinished(() => {
      logged.mockRestore()
      vi.doUnmock('../../src/streams/engine.js')
    })
    const s = scope(ctx)
    const n0 = await s.net()
    const p0 = n0.streams.produce<Data1>('Data1')
    const c0 = n0.streams.consume<Data1>('Data1')
    await expect(within(p0.send('x'), 'the send to settle')).rejects.toMatchObject({ kind: 'closed' })
    expect(await within(c0.recv(), 'the recv to end')).toBeUndefined()
    expect([p0.closed, c0.closed]).toEqual([true, true])
    expect(logged).toHaveBeenCalledWith('mosaik-react: the streams service failed to load', expect.any(Error))
  })
})
