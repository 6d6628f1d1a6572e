import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TicketDeadline } from '../../src/streams/deadline.js'

// The end of a link at its peer's ticket expiry, on fake timers (Date included).

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const DAY = 86_400_000

describe('ticket deadline', () => {
  it('ends a link at an expiry beyond the longest timer delay (24.8 days), not before', async () => {
    let ended = 0
    const deadline = new TicketDeadline(() => ended++)
    deadline.set(Date.now() + 30 * DAY)
    await vi.advanceTimersByTimeAsync(25 * DAY)
    expect(ended).toBe(0)
    await vi.advanceTimersByTimeAsync(5 * DAY - 1)
    expect(ended).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(ended).toBe(1)
    await vi.advanceTimersByTimeAsync(30 * DAY)
    expect(ended).toBe(1)
  })

  it('moves to a later expiry, and is cleared by none', async () => {
    let ended = 0
    const deadline = new TicketDeadline(() => ended++)
    const t0 = Date.now()
    deadline.set(t0 + 1_000)
    deadline.set(t0 + 5_000)
    await vi.advanceTimersByTimeAsync(4_999)
    expect(ended).toBe(0)
    deadline.set(undefined)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(ended).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
