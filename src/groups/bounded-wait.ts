import { type Linked, LinkedSet } from '../core/linked-set.js'
import { GroupError } from './errors.js'
import type { TimerHandle, Timers } from './timers.js'

/** What settles every wait at once when the member closes; linked into a `Closers` set. */
export interface Closer extends Linked<Closer> {
  reject(err: GroupError): void
}

/** The waits a member holds, to reject them all when it closes (`LinkedSet`: no table to churn). */
export class Closers extends LinkedSet<Closer> {}

/**
 * One wait of `Pending`: settles once, by `resolve`/`reject`, or rejects with `GroupError`
 * `offline` (`timedOut`) after `ms` (no timer when `ms` is undefined), with the signal's reason
 * on abort, or with the close error (through `closers`). An object rather than a nest of
 * closures: a busy member starts several per write.
 */
export class BoundedWait<T> implements Closer {
  readonly promise: Promise<T>
  #resolve!: (value: T) => void
  #reject!: (err: unknown) => void
  #done = false
  readonly #timers: Timers
  readonly #closers: Closers
  readonly #timer: TimerHandle | undefined
  readonly #signal: AbortSignal | undefined
  readonly #onAbort: (() => void) | undefined
  /** Undone when the wait settles (a listener's unsubscribe). */
  onSettle: (() => void) | undefined
  prev: Closer | undefined = undefined
  next: Closer | undefined = undefined
  listed = false

  /** `what` (and `detail`, appended) names what is awaited in the timeout's message. */
  constructor(
    timers: Timers,
    closers: Closers,
    what: string,
    detail: number | undefined,
    ms: number | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.#timers = timers
    this.#closers = closers
    this.#timer =
      ms === undefined
        ? undefined
        : timers.deadline(ms, () =>
            this.reject(
              new GroupError('offline', `no ${what}${detail === undefined ? '' : ` ${detail}`} within ${ms} ms`, {
                timedOut: true,
              }),
            ),
          )
    closers.add(this)
    this.#signal = signal
    if (signal) {
      this.#onAbort = () => this.reject(signal.reason)
      signal.addEventListener('abort', this.#onAbort, { once: true })
    }
  }

  resolve(value: T): void {
    if (this.#finish()) this.#resolve(value)
  }

  reject(err: unknown): void {
    if (this.#finish()) this.#reject(err)
  }

  #finish(): boolean {
    if (this.#done) return false
    this.#done = true
    this.onSettle?.()
    this.#timers.cancel(this.#timer)
    this.#closers.delete(this)
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort)
    return true
  }
}
