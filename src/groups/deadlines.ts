import type { Clock } from '../core/clock.js'

/** Longest delay a platform timer keeps (2^31 − 1 ms); a longer one is armed in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

/** One deadline of a `Deadlines` heap; `fn` is dropped when it fires or is cancelled. */
export interface Deadline {
  readonly id: number
  readonly at: number
  readonly seq: number
  fn: (() => void) | undefined
}

/**
 * Many timeouts on one clock timer: a binary heap ordered by deadline (then by scheduling
 * order), with the clock armed for the earliest. A busy member bounds several waits per write
 * by a timeout that nearly never fires; each was a platform timer, created and cleared within
 * milliseconds. Here a timeout costs a heap push, and cancelling one only marks it: cancelled
 * deadlines leave the heap when they reach its top, or when the heap holds more than four
 * times the live ones (it is then rebuilt from them), and all at once when none is live.
 *
 * A deadline fires in the clock callback at or after its time, never before; deadlines due
 * together fire in the order they were scheduled. One scheduled while others fire (with 0 ms)
 * waits for the next clock callback, as a fresh platform timer would. A callback that throws
 * is reported as an uncaught error, as a platform timer's would be, and the others still run.
 */
export class Deadlines {
  readonly #clock: Clock
  #heap: Deadline[] = []
  #live = 0
  #seq = 0
  /** The clock timer and the deadline it is armed for. */
  #armed: unknown
  #armedAt = Number.POSITIVE_INFINITY
  /** Counts `clear()` calls, so a round that is firing stops at one made by its callbacks. */
  #cleared = 0

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** Deadlines scheduled and neither fired nor cancelled. */
  get size(): number {
    return this.#live
  }

  /** Entries the heap holds, cancelled ones included (at most about 4× `size`). */
  get held(): number {
    return this.#heap.length
  }

  /**
   * Runs `fn` once, `ms` from now: at once for a negative or `NaN` `ms` (as a platform timer
   * would, soon), never for `Infinity`.
   */
  add(id: number, ms: number, fn: () => void): Deadline {
    const wait = Number.isNaN(ms) ? 0 : Math.max(0, ms)
    const d: Deadline = { id, at: this.#clock.now() + wait, seq: ++this.#seq, fn }
    this.#push(d)
    this.#live++
    if (d.at < this.#armedAt) this.#arm()
    return d
  }

  /** Drops `d` unless it already fired; true if it was pending. */
  cancel(d: Deadline): boolean {
    if (d.fn === undefined) return false
    d.fn = undefined
    this.#live--
    if (this.#live === 0) this.clear()
    else if (this.#heap.length > 64 && this.#heap.length > 4 * this.#live) this.#rebuild()
    return true
  }

  /** Drops every deadline and the clock timer (also those due in a round that is firing). */
  clear(): void {
    this.#cleared++
    for (const d of this.#heap) d.fn = undefined
    this.#heap = []
    this.#live = 0
    this.#disarm()
  }

  readonly #fire = (): void => {
    this.#armed = undefined
    this.#armedAt = Number.POSITIVE_INFINITY
    const now = this.#clock.now()
    const due: Deadline[] = []
    for (let top = this.#heap[0]; top && (top.fn === undefined || top.at <= now); top = this.#heap[0]) {
      this.#pop()
      if (top.fn !== undefined) due.push(top)
    }
    const cleared = this.#cleared
    for (let i = 0; i < due.length; i++) {
      const d = due[i] as Deadline
      // A callback cleared everything (its member closed): the rest of the round is dropped too.
      if (this.#cleared !== cleared) {
        for (let j = i; j < due.length; j++) (due[j] as Deadline).fn = undefined
        return
      }
      // An earlier one may have cancelled it.
      const fn = d.fn
      if (fn === undefined) continue
      d.fn = undefined
      this.#live--
      try {
        fn()
      } catch (err) {
        // As a throwing platform timer would: reported, without stopping the deadlines due with it.
        queueMicrotask(() => {
          throw err
        })
      }
    }
    if (this.#live === 0) this.clear()
    else this.#arm()
  }

  /** Arms the clock for the earliest live deadline (dropping cancelled ones from the top). */
  #arm(): void {
    while (this.#heap[0] && this.#heap[0].fn === undefined) this.#pop()
    const top = this.#heap[0]
    // None, or none that ever comes (an infinite bound): no timer to wake the process for.
    if (!top || top.at === Number.POSITIVE_INFINITY) {
      this.#disarm()
      return
    }
    if (this.#armed !== undefined && this.#armedAt <= top.at) return
    this.#disarm()
    this.#armedAt = top.at
    // Never past a platform timer's range: one that far out wakes early and is armed again.
    this.#armed = this.#clock.setTimeout(this.#fire, Math.min(MAX_DELAY_MS, Math.max(0, top.at - this.#clock.now())))
  }

  #disarm(): void {
    if (this.#armed !== undefined) this.#clock.clearTimeout(this.#armed)
    this.#armed = undefined
    this.#armedAt = Number.POSITIVE_INFINITY
  }

  #rebuild(): void {
    const live = this.#heap.filter((d) => d.fn !== undefined)
    this.#heap = []
    for (const d of live) this.#push(d)
  }

  #push(d: Deadline): void {
    const h = this.#heap
    let i = h.push(d) - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      const parent = h[p] as Deadline
      if (!before(d, parent)) break
      h[i] = parent
      i = p
    }
    h[i] = d
  }

  #pop(): void {
    const h = this.#heap
    const last = h.pop() as Deadline
    if (h.length === 0) return
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= h.length) break
      const r = l + 1
      const c = r < h.length && before(h[r] as Deadline, h[l] as Deadline) ? r : l
      if (!before(h[c] as Deadline, last)) break
      h[i] = h[c] as Deadline
      i = c
    }
    h[i] = last
  }
}

function before(a: Deadline, b: Deadline): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
