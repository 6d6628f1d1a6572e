import type { Clock } from '../../../../src/core/clock.js'

/** One incarnation of a simulated process: its timers die with it (a crash). */
export interface Life {
  alive: boolean
}

interface Event {
  readonly at: number
  readonly seq: number
  readonly fn: () => void
  readonly life: Life | undefined
  cancelled: boolean
}

/**
 * The simulator's only source of time: a queue of events ordered by (virtual ms, insertion).
 * Nothing runs on a real timer; a run is a function of its seed.
 */
export class Scheduler {
  now = 0
  #seq = 0
  readonly #heap: Event[] = []
  readonly #byId = new Map<number, Event>()

  /** Runs `fn` after `ms` virtual ms, unless `life` has ended by then. Returns a handle. */
  at(ms: number, fn: () => void, life?: Life): number {
    const e: Event = { at: this.now + Math.max(0, ms), seq: ++this.#seq, fn, life, cancelled: false }
    this.#push(e)
    this.#byId.set(e.seq, e)
    return e.seq
  }

  cancel(handle: number): void {
    const e = this.#byId.get(handle)
    if (e) e.cancelled = true
    this.#byId.delete(handle)
  }

  /** The next live event (time moves to it), or undefined when none is due by `until`. */
  pop(until: number): (() => void) | undefined {
    for (;;) {
      const top = this.#heap[0]
      if (!top || top.at > until) return undefined
      this.#popTop()
      this.#byId.delete(top.seq)
      if (top.cancelled || (top.life && !top.life.alive)) continue
      this.now = top.at
      return top.fn
    }
  }

  /** A `Clock` whose timers belong to `life`. */
  clock(life: Life): Clock {
    return {
      now: () => this.now,
      setTimeout: (fn, ms) => this.at(ms, fn, life),
      clearTimeout: (h) => this.cancel(h as number),
    }
  }

  #less(a: Event, b: Event): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  #push(e: Event): void {
    const h = this.#heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.#less(h[i] as Event, h[p] as Event)) break
      ;[h[i], h[p]] = [h[p] as Event, h[i] as Event]
      i = p
    }
  }

  #popTop(): void {
    const h = this.#heap
    const last = h.pop() as Event
    if (h.length === 0) return
    h[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && this.#less(h[l] as Event, h[m] as Event)) m = l
      if (r < h.length && this.#less(h[r] as Event, h[m] as Event)) m = r
      if (m === i) return
      ;[h[i], h[m]] = [h[m] as Event, h[i] as Event]
      i = m
    }
  }
}
