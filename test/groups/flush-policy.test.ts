import { describe, expect, it } from 'vitest'
import { FlushPolicy, MAX_EAGER_PER_TURN } from '../../src/groups/flush-policy.js'

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('FlushPolicy: when a caller proposal leaves', () => {
  it('flushes a lone call at once, but batches while others are in flight', () => {
    const p = new FlushPolicy()
    p.begin()
    expect(p.eager()).toBe(true)
    p.begin()
    expect(p.eager()).toBe(false)
    p.end()
    p.end()
    expect(p.inFlight).toBe(0)
  })

  it('keeps batching after a flush that carried several calls, until one carries one', () => {
    const p = new FlushPolicy()
    p.flushed(5)
    p.begin()
    expect(p.eager()).toBe(false)
    p.flushed(1)
    expect(p.eager()).toBe(true)
    // A drain that proposed nothing says nothing about load.
    p.flushed(0)
    expect(p.eager()).toBe(true)
  })

  it(`lets at most ${MAX_EAGER_PER_TURN} calls skip the event loop before it comes round`, async () => {
    const p = new FlushPolicy()
    p.begin()
    for (let i = 0; i < MAX_EAGER_PER_TURN; i++) expect(p.eager()).toBe(true)
    expect(p.eager()).toBe(false)
    await turn()
    expect(p.eager()).toBe(true)
  })
})
