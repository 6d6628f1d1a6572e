import type { Clock } from '../core/clock.js'
import { type Deadline, Deadlines } from './deadlines.js'

/** A handle on one scheduled callback. */
export type TimerHandle = { readonly id: number }

/**
 * Every timer a group member owns, on one `Clock`, so `clear()` on leave provably leaves
 * nothing scheduled (`size` is 0 afterwards).
 */
export class Timers {
  readonly clock: Clock
  #seq = 0
  readonly #live = new Map<number, unknown>()
  readonly #deadlines: Deadlines

  constructor(clock: Clock) {
    this.clock = clock
    this.#deadlines = new Deadlines(clock)
  }

  /** Runs `fn` once after `ms`. */
  after(ms: number, fn: () => void): TimerHandle {
    const id = ++this.#seq
    const h = this.clock.setTimeout(() => {
      this.#live.delete(id)
      fn()
    }, ms)
    this.#live.set(id, h)
    return { id }
  }

  /**
   * Runs `fn` once after `ms`, as `after` does, for a bound that nearly never fires (how long a
   * call may wait): these share one clock timer (`deadlines.ts`), so a busy member's several
   * waits per write cost a heap push each, not a platform timer.
   */
  deadline(ms: number, fn: () => void): TimerHandle {
    return this.#deadlines.add(++this.#seq, ms, fn)
  }

  cancel(handle: TimerHandle | undefined): void {
    if (!handle) return
    if ('at' in handle) {
      this.#deadlines.cancel(handle as Deadline)
      return
    }
    const h = this.#live.get(handle.id)
    if (h === undefined) return
    this.#live.delete(handle.id)
    this.clock.clearTimeout(h)
  }

  clear(): void {
    for (const h of this.#live.values()) this.clock.clearTimeout(h)
    this.#live.clear()
    this.#deadlines.clear()
  }

  get size(): number {
    return this.#live.size + this.#deadlines.size
  }
}
