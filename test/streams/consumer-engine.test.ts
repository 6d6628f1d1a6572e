import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ScriptedChannel, scriptedConsumer } from './scripted.js'

// The consumer's work against a producer the test plays, on fake timers: subscriptions,
// retries and what waits in the consumer's buffer.

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('consumer engine', () => {
  it('retries a producer whose channel closed before its subscription was sent', async () => {
    let first = true
    const s = scriptedConsumer<number>({
      open: async (peer) => {
        const ch = new ScriptedChannel(peer)
        if (first) ch.finish({ by: 'remote', reason: 'reset' })
        first = false
        return ch
      },
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(s.opened.length).toBeGreaterThanOrEqual(2)
    s.engine.close()
  })
})
