import { TimeoutError } from '../core/errors.js'

/** How dials (and channel opens) are retried. */
export interface RetryOptions {
  /** Attempts in all, first included. Default 4. */
  readonly attempts?: number
  /**
   * Bound of one attempt in ms. Default 6000: about one WebRTC dial in ten hangs at
   * "wait for init channel to open"; it is abandoned at this bound and the next attempt
   * almost always succeeds.
   */
  readonly attemptTimeoutMs?: number
  /** Delay before the second attempt; doubles each time, with ±25 % jitter. Default 250. */
  readonly backoffMs?: number
  /** Largest delay between attempts. Default 4000. */
  readonly maxBackoffMs?: number
  /**
   * Bound of one stage of a dial that reports progress (discovery's dials of peers: relay
   * circuit, signalling stream, SDP offer and answer, …; ICE checks are bounded by the attempt
   * only). A stalled attempt is abandoned and retried at once instead of at `attemptTimeoutMs`.
   * The same bound applies to a WebRTC connection that opened but never answers identify (the
   * other side's half of it hung). Default 1000; 0 = no stage bound.
   */
  readonly stallTimeoutMs?: number
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  attempts: 4,
  attemptTimeoutMs: 6_000,
  backoffMs: 250,
  maxBackoffMs: 4_000,
  stallTimeoutMs: 1_000,
}

/**
 * Runs `attempt` until it succeeds, at most `attempts` times. Each attempt gets its own
 * signal that aborts after `attemptTimeoutMs` or when `signal` aborts; between attempts it
 * waits with exponential backoff and jitter. Rejects with the last error, or at once with
 * the signal's reason when `signal` aborts. No timer outlives the call.
 */
export async function retry<T>(
  what: string,
  attempt: (signal: AbortSignal, n: number) => Promise<T>,
  options: RetryOptions & { signal?: AbortSignal; onRetry?: (err: unknown, n: number) => void } = {},
): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...stripUndefined(options) }
  let lastError: unknown
  for (let n = 1; n <= o.attempts; n++) {
    options.signal?.throwIfAborted()
    const timeout = new AbortController()
    const timer = setTimeout(
      () => timeout.abort(new TimeoutError(`${what} (attempt ${n})`, o.attemptTimeoutMs)),
      o.attemptTimeoutMs,
    )
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal
    try {
      return await raceAbort(attempt(signal, n), signal)
    } catch (err) {
      lastError = err
      options.signal?.throwIfAborted()
    } finally {
      clearTimeout(timer)
    }
    if (n < o.attempts) {
      options.onRetry?.(lastError, n)
      const base = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** (n - 1))
      await sleep(base * (0.75 + Math.random() * 0.5), options.signal)
    }
  }
  throw lastError
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Settles as `promise`, or rejects with the signal's reason as soon as it aborts (an attempt that ignores its signal, a hung dial, must still be abandoned at the bound). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // The abandoned attempt may still fail later; that failure is expected, not unhandled.
  promise.catch(() => {})
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * A signal that aborts after `ms` (with a `TimeoutError` naming `what`) or when `parent`
 * aborts. Unlike `AbortSignal.timeout`, `dispose()` clears the timer, so a finished
 * operation leaves nothing scheduled.
 */
export function boundedSignal(
  ms: number,
  what: string,
  parent?: AbortSignal,
): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new TimeoutError(what, ms)), ms)
  const signal = parent ? AbortSignal.any([parent, controller.signal]) : controller.signal
  return { signal, dispose: () => clearTimeout(timer) }
}
