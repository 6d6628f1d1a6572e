import { GroupError } from './errors.js'
import type { TimerHandle, Timers } from './timers.js'

/** What settles every wait at once when the member closes; linked into a `Closers` list. */
export interface Closer {
  reject(err: GroupError): void
  prev: Closer | undefined
  next: Closer | undefined
  listed: boolean
}

/**
 * The waits a member holds, to reject them all when it closes. A list threaded through the
 * waits themselves: adding and removing one allocates nothing, where a `Set`'s table was
 * regrown and shrunk as each batch of writes came and went.
 */
export class Closers {
  #head: Closer | undefined

  add(c: Closer): void {
    if (c.listed) return
    c.listed = true
    c.prev = undefined
    c.next = this.#head
    if (this.#head) this.#head.prev = c
    this.#head = c
  }

  delete(c: Closer): void {
    if (!c.listed) return
    c.listed = false
    if (c.prev) c.prev.next = c.next
    else this.#head = c.next
    if (c.next) c.next.prev = c.prev
    c.prev = undefined
    c.next = undefined
  }

  /** Empties the list; returns what it held, oldest first (as the waits began). */
  takeAll(): Closer[] {
    const out: Closer[] = []
    for (let c = this.#head; c; c = c.next) out.push(c)
    for (const c of out) this.delete(c)
    return out.reverse()
  }
}

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
