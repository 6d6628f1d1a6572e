import { describe, expect, it, vi } from 'vitest'
import { ClosedError, TimeoutError } from '../../src/core/errors.js'
import { Emitter, Watch } from '../../src/core/watch.js'

describe('Watch', () => {
  it('notifies only on real changes', () => {
    const w = new Watch(1)
    const seen: number[] = []
    const off = w.subscribe((v) => seen.push(v))
    expect(w.set(1)).toBe(false)
    w.set(2)
    w.set(3)
    off()
    w.set(4)
    expect(seen).toEqual([2, 3])
    expect(w.listenerCount).toBe(0)
  })

  it('waitFor resolves with the first matching value, at once if it already matches', async () => {
    const w = new Watch(0)
    await expect(w.waitFor((v) => v === 0, { what: 'zero' })).resolves.toBe(0)
    const p = w.waitFor((v) => v >= 2, { what: 'two', timeoutMs: 1000 })
    w.set(1)
    w.set(2)
    await expect(p).resolves.toBe(2)
    expect(w.listenerCount).toBe(0)
  })

  it('waitFor times out saying what it waited for, and leaves no listener', async () => {
    const w = new Watch(0)
    const err = await w.waitFor((v) => v === 9, { what: 'the value nine', timeoutMs: 5 }).catch((e) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(String(err.message)).toContain('the value nine')
    expect(w.listenerCount).toBe(0)
  })

  it('rejects pending waits when closed', async () => {
    const w = new Watch(0)
    const p = w.waitFor((v) => v === 1, { what: 'one' })
    w.close()
    await expect(p).rejects.toBeInstanceOf(ClosedError)
    expect(w.set(5)).toBe(false)
  })
})

describe('Emitter', () => {
  it('keeps delivering to other listeners when one throws', () => {
    const e = new Emitter<number>()
    const got: number[] = []
    e.on(() => {
      throw new Error('listener bug')
    })
    e.on((n) => got.push(n))
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    e.emit(1)
    expect(got).toEqual([1])
    expect(spy).toHaveBeenCalledOnce()
    spy.mockRestore()
  })
})
