/** Order statistics over repeated measurements. */

/** Median, p99, min, max and mean of a set of samples, all in the samples' unit. */
export interface Summary {
  readonly n: number
  readonly median: number
  readonly p99: number
  readonly min: number
  readonly max: number
  readonly mean: number
}

/**
 * Summarises samples. Percentiles use the nearest-rank method on sorted samples, so p99 of
 * fewer than 100 samples is the maximum: honest rather than interpolated. Throws on no samples,
 * because a benchmark that measured nothing must not print a number.
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number
  let sum = 0
  for (const s of sorted) sum += s
  return {
    n: sorted.length,
    median: rank(0.5),
    p99: rank(0.99),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
  }
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export const now = (): number => performance.now()

/**
 * Lets the event loop run a full turn (timers, I/O). Load loops call it between writes:
 * the memory transport delivers bytes by promise callbacks alone, so a loop that only
 * awaits writes would keep the microtask queue busy forever and starve every timer
 * (heartbeats, elections, write timeouts), which no real app does: writes come from events.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r))

/** Runs `fn` `n` times one after another (a full event-loop turn between) and returns each duration in ms. */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = now()
    await fn(i)
    out.push(now() - t0)
    await yieldToEventLoop()
  }
  return out
}

/**
 * Runs `fn` `n` times back to back, each awaited with nothing in between (a plain
 * `for (…) await write(x)` loop), and returns each duration in ms.
 */
export async function timeTight(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = now()
    await fn(i)
    out.push(now() - t0)
  }
  return out
}

/** Rejects with a message naming what was awaited when `promise` does not settle within `ms`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `cond` every `everyMs` until true; rejects naming `what` after `ms`. */
export async function until(ms: number, what: string, cond: () => boolean, everyMs = 2): Promise<void> {
  const deadline = now() + ms
  while (!cond()) {
    if (now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
