/** Timers behind an interface so tests can drive time by hand. */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The platform clock; `active` counts live timers so tests can prove nothing leaks. */
export class SystemClock implements Clock {
  #active = new Set<ReturnType<typeof setTimeout>>()

  now(): number {
    return performance.now()
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const h = setTimeout(() => {
      this.#active.delete(h)
      fn()
    }, ms)
    this.#active.add(h)
    return h
  }

  clearTimeout(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
    this.#active.delete(handle as ReturnType<typeof setTimeout>)
  }

  /** Timers scheduled and not yet fired or cleared. */
  get active(): number {
    return this.#active.size
  }
}

/** A clock that only moves when `advance` is called. */
export class ManualClock implements Clock {
  #now = 0
  #seq = 0
  #timers = new Map<number, { at: number; fn: () => void }>()

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number)
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined
      for (const e of this.#timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e
      if (!next) break
      this.#timers.delete(next[0])
      this.#now = next[1].at
      next[1].fn()
    }
    this.#now = end
  }

  get active(): number {
    return this.#timers.size
  }
}
