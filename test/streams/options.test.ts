import { describe, expect, it } from 'vitest'
import type { ConsumerOptions } from '../../src/streams/types.js'
import { scope } from './helpers.js'

// Bad options are the app's error, thrown at the call (`RangeError`), as a producer's are:
// never a subscription that producers refuse and the consumer retries forever.

describe('consumer options', () => {
  it('a bad window, maxDatumBytes, maxProducers or retry policy throws a RangeError at consume', async (ctx) => {
    const s = scope(ctx)
    const net = await s.net()
    const bad: Array<ConsumerOptions<number>> = [
      { window: 0 },
      { window: -1 },
      { window: Number.NaN },
      { window: 1.5 },
      { window: 2 ** 60 },
      { maxDatumBytes: 0 },
      { maxDatumBytes: 2 ** 30 },
      { maxProducers: 0 },
      { maxProducers: Number.POSITIVE_INFINITY },
      { retry: { attempts: 0 } },
      { retry: { attemptTimeoutMs: 0 } },
      { retry: { backoffMs: Number.NaN } },
      { retry: { maxBackoffMs: -1 } },
      { retry: { stallTimeoutMs: Number.POSITIVE_INFINITY } },
    ]
    for (const options of bad)
      expect(() => net.streams.consume('options', options), JSON.stringify(options)).toThrow(RangeError)
    expect(net.streams.consumers.size).toBe(0)
    const good = net.streams.consume('options', {
      window: 1,
      maxDatumBytes: 1,
      maxProducers: 1,
      retry: { attempts: 1 },
    })
    expect(good.closed).toBe(false)
    good.close()
  })
})
