import type { Clock } from '../core/clock.js'

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

  constructor(clock: Clock) {
    this.clock = clock
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

  cancel(handle: TimerHandle | undefined): void {
    if (!handle) return
    const h = this.#live.get(handle.id)
    if (h === undefined) return
    this.#live.delete(handle.id)
    this.clock.clearTimeout(h)
  }

  clear(): void {
    for (const h of this.#live.values()) this.clock.clearTimeout(h)
    this.#live.clear()
  }

  get size(): number {
    return this.#live.size
  }
}
