import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/core/clock.js'
import { Deadlines } from '../../src/groups/deadlines.js'
import { Timers } from '../../src/groups/timers.js'

/** A manual clock that records the delay of every timer armed on it. */
function recordingClock() {
  const clock = new ManualClock()
  const delays: number[] = []
  const armed = {
    now: () => clock.now(),
    setTimeout: (fn: () => void, ms: number) => {
      delays.push(ms)
      return clock.setTimeout(fn, ms)
    },
    clearTimeout: (h: unknown) => clock.clearTimeout(h),
  }
  return { clock, delays, armed }
}

describe('Deadlines: many timeouts on one clock timer', () => {
  it('fires each deadline at its time, not before, in order of time then of scheduling', () => {
    const clock = new ManualClock()
    const d = new Deadlines(clock)
    const fired: string[] = []
    d.add(1, 30, () => fired.push(`c@${clock.now()}`))
    d.add(2, 10, () => fired.push(`a@${clock.now()}`))
    d.add(3, 20, () => fired.push(`b1@${clock.now()}`))
    d.add(4, 20, () => fired.push(`b2@${clock.now()}`))
    clock.advance(9)
    expect(fired).toEqual([])
    clock.advance(11)
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20'])
    clock.advance(100)
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30'])
    expect(d.size).toBe(0)
    expect(clock.active).toBe(0)
  })

  it('holds one clock timer however many deadlines wait, and none once they are gone', () => {
    const clock = new ManualClock()
    const d = new Deadlines(clock)
    const hs = Array.from({ length: 50 }, (_, i) => d.add(i, 1000 + i, () => {}))
    expect(clock.active).toBe(1)
    // An earlier deadline re-arms the one timer.
    const early = d.add(99, 5, () => {})
    expect(clock.active).toBe(1)
    expect(d.cancel(early)).toBe(true)
    expect(d.cancel(early)).toBe(false)
    for (const h of hs) d.cancel(h)
    expect(d.size).toBe(0)
    expect(clock.active).toBe(0)
  })

  it('does not run a cancelled deadline, even one cancelled by a deadline firing with it', () => {
    const clock = new ManualClock()
    const d = new Deadlines(clock)
    const fired: number[] = []
    const later = d.add(2, 10, () => fired.push(2))
    d.add(1, 10, () => {
      fired.push(1)
      d.cancel(later)
    })
    const gone = d.add(3, 5, () => fired.push(3))
    d.cancel(gone)
    clock.advance(50)
    // `later` was scheduled first, so it fires first; the cancel of an already-fired one is a no-op.
    expect(fired).toEqual([2, 1])
    const a = d.add(4, 10, () => fired.push(4))
    d.add(5, 10, () => {
      fired.push(5)
      d.cancel(a)
    })
    d.cancel(a)
    clock.advance(50)
    expect(fired).toEqual([2, 1, 5])
  })

  it('runs a deadline scheduled while others fire in a later clock callback, not the same one', () => {
    const { clock, delays, armed } = recordingClock()
    const d = new Deadlines(armed)
    const fired: string[] = []
    d.add(1, 10, () => {
      fired.push('first')
      d.add(2, 0, () => fired.push('second'))
      expect(fired).toEqual(['first'])
    })
    clock.advance(10)
    expect(fired).toEqual(['first', 'second'])
    expect(delays).toHaveLength(2)
  })

  it('keeps the heap within a few times the live deadlines while most are cancelled', () => {
    const clock = new ManualClock()
    const d = new Deadlines(clock)
    const live = Array.from({ length: 20 }, (_, i) => d.add(i, 10_000, () => {}))
    let maxHeld = 0
    for (let i = 0; i < 100_000; i++) {
      const k = i % live.length
      d.cancel(live[k] as ReturnType<Deadlines['add']>)
      live[k] = d.add(100 + i, 10_000, () => {})
      maxHeld = Math.max(maxHeld, d.held)
    }
    expect(d.size).toBe(20)
    expect(maxHeld).toBeLessThanOrEqual(4 * 20 + 64)
    let fired = 0
    for (const h of live) d.cancel(h)
    d.add(1, 1, () => fired++)
    clock.advance(20_000)
    expect(fired).toBe(1)
  })

  it('runs the deadlines due with one that throws, and reports the error as uncaught', async () => {
    const clock = new ManualClock()
    const d = new Deadlines(clock)
    const fired: number[] = []
    d.add(1, 10, () => {
      throw new Error('boom')
    })
    d.add(2, 10, () => fired.push(2))
    d.add(3, 20, () => fired.push(3))
    const uncaught = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve))
    clock.advance(10)
    expect(fired).toEqual([2])
    expect(((await uncaught) as Error).message).toBe('boom')
    clock.advance(10)
    expect(fired).toEqual([2, 3])
  })

  it('fires a NaN or negative timeout at once and never an infinite one, without stopping the others', () => {
    const { clock, delays, armed } = recordingClock()
    const d = new Deadlines(armed)
    const fired: string[] = []
    d.add(1, Number.NaN, () => fired.push(`nan@${clock.now()}`))
    d.add(2, -5, () => fired.push(`negative@${clock.now()}`))
    const never = d.add(3, Number.POSITIVE_INFINITY, () => fired.push('never'))
    d.add(4, 20, () => fired.push(`20@${clock.now()}`))
    clock.advance(0)
    expect(fired).toEqual(['nan@0', 'negative@0'])
    clock.advance(100)
    expect(fired).toEqual(['nan@0', 'negative@0', '20@20'])
    // Only the infinite one is left: it holds no timer that would wake the process.
    delays.length = 0
    clock.advance(10 * 2 ** 31)
    expect(fired).toHaveLength(3)
    expect(delays).toHaveLength(0)
    expect(d.cancel(never)).toBe(true)
    expect(clock.active).toBe(0)
  })

  it("arms a deadline past a platform timer's range in steps, and fires it on time", () => {
    const { clock, delays, armed } = recordingClock()
    const d = new Deadlines(armed)
    const month = 30 * 24 * 3600 * 1000
    let firedAt: number | undefined
    d.add(1, month, () => {
      firedAt = clock.now()
    })
    clock.advance(month)
    expect(firedAt).toBe(month)
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1)
    expect(delays).toHaveLength(2)
  })

  it('a clear() from a firing callback drops the rest of that round, and the count stays right', () => {
    const clock = new ManualClock()
    const d = new Deadlines(clock)
    const fired: string[] = []
    d.add(1, 5, () => {
      fired.push('a')
      d.clear()
    })
    const b = d.add(2, 5, () => fired.push('b'))
    clock.advance(10)
    expect(fired).toEqual(['a'])
    expect(d.size).toBe(0)
    expect(d.cancel(b)).toBe(false)
    // Still counts right afterwards: a cancel does not drop a deadline that is still live.
    const x = d.add(3, 5, () => fired.push('x'))
    d.add(4, 6, () => fired.push('y'))
    d.cancel(x)
    clock.advance(10)
    expect(fired).toEqual(['a', 'y'])
    expect(clock.active).toBe(0)
  })

  it('clear() drops every deadline and the clock timer', () => {
    const clock = new ManualClock()
    const d = new Deadlines(clock)
    let fired = 0
    for (let i = 0; i < 10; i++) d.add(i, 10, () => fired++)
    d.clear()
    clock.advance(100)
    expect(fired).toBe(0)
    expect(d.size).toBe(0)
    expect(clock.active).toBe(0)
  })
})

describe('Timers.deadline', () => {
  it('counts in size, cancels through cancel(), and clear() drops it', () => {
    const clock = new ManualClock()
    const t = new Timers(clock)
    let fired = 0
    const a = t.deadline(10, () => fired++)
    t.after(10, () => fired++)
    expect(t.size).toBe(2)
    t.cancel(a)
    expect(t.size).toBe(1)
    clock.advance(10)
    expect(fired).toBe(1)
    t.deadline(10, () => fired++)
    t.clear()
    expect(t.size).toBe(0)
    expect(clock.active).toBe(0)
  })
})
