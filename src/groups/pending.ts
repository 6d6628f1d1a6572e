import type { Version } from '../core/id.js'
import type { Watch } from '../core/watch.js'
import { BoundedWait, type Closer, Closers } from './bounded-wait.js'
import { GroupError } from './errors.js'
import type { RequestId, Unanswered } from './raft/types.js'
import type { Timers } from './timers.js'
import type { GroupState } from './types.js'

/** What the core answers to a proposal or a read. */
export interface Answer {
  readonly indices?: number[] | undefined
  readonly index?: number | undefined
  readonly reason?: Unanswered
}

/** A call waiting for a version, and the tag its entry must carry. */
type Waiter = BoundedWait<void> & { tag?: string | undefined }

const TAGS_KEPT = 4096

/**
 * Callers waiting on the driver: proposal and read answers by request id, and versions to
 * be applied. Every wait is bounded by a timer on the member's `Timers` and rejected with
 * `GroupError` on timeout, abort or close.
 */
export class Pending {
  readonly #timers: Timers
  readonly #state: Watch<GroupState>
  readonly #answers = new Map<RequestId, BoundedWait<Answer>>()
  readonly #ignored = new Set<RequestId>()
  readonly #waiters = new Map<Version, Set<Waiter>>()
  /** Lowest version a waiter waits for (Infinity: none), so most state changes skip the scan. */
  #lowest = Number.POSITIVE_INFINITY
  /** The tags of the last `TAGS_KEPT` applied entries, in a ring by index (no map to churn per entry). */
  readonly #tagIndex: number[] = new Array(TAGS_KEPT).fill(-1)
  readonly #tagOf: (string | undefined)[] = new Array(TAGS_KEPT).fill(undefined)
  readonly #closers = new Closers()
  #closed: GroupError | undefined

  constructor(timers: Timers, state: Watch<GroupState>) {
    this.#timers = timers
    this.#state = state
    // One listener for every version waited on, instead of one per waiting call.
    state.subscribe((s) => this.#reached(s.applied))
  }

  /** The answer to request `id`; `ms` undefined: no timer (the caller ends the wait with `settle`). */
  outcome(id: RequestId, ms: number | undefined, signal?: AbortSignal): Promise<Answer> {
    const early = this.#refused(signal)
    if (early) return early
    const wait = new BoundedWait<Answer>(this.#timers, this.#closers, 'an answer to request', id, ms, signal)
    this.#answers.set(id, wait)
    wait.onSettle = () => this.#answers.delete(id)
    return wait.promise
  }

  /** Answers to `id` are dropped (the driver's own proposals). */
  ignore(id: RequestId): void {
    this.#ignored.add(id)
  }

  settle(id: RequestId, answer: Answer): void {
    if (this.#ignored.delete(id)) return
    this.#answers.get(id)?.resolve(answer)
  }

  /** The entry at `index` was applied; `tag` names the call that proposed it. */
  tagApplied(index: Version, tag: string | undefined): void {
    const slot = index % TAGS_KEPT
    this.#tagIndex[slot] = index
    this.#tagOf[slot] = tag
    const ws = this.#waiters.get(index)
    if (!ws) return
    for (const w of ws) {
      if (w.tag !== undefined && w.tag !== tag)
        w.reject(new GroupError('offline', `entry ${index} was replaced after a leader change; the commands were lost`))
    }
  }

  /** Resolves once the local replica applied `index` with the entry proposed under `tag`. */
  applied(index: Version, tag: string | undefined, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#state.get().applied >= index) {
      const slot = index % TAGS_KEPT
      if (tag !== undefined && this.#tagIndex[slot] === index && this.#tagOf[slot] !== tag)
        return Promise.reject(new GroupError('offline', `entry ${index} was replaced after a leader change`))
      return Promise.resolve()
    }
    const early = this.#refused(signal)
    if (early) return early
    const waiter: Waiter = new BoundedWait<void>(this.#timers, this.#closers, 'version', index, ms, signal)
    waiter.tag = tag
    let set = this.#waiters.get(index)
    if (!set) {
      set = new Set()
      this.#waiters.set(index, set)
    }
    set.add(waiter)
    if (index < this.#lowest) this.#lowest = index
    waiter.onSettle = () => this.#forget(index, waiter)
    return waiter.promise
  }

  #forget(index: Version, waiter: Waiter): void {
    const set = this.#waiters.get(index)
    if (!set) return
    set.delete(waiter)
    if (set.size === 0) this.#waiters.delete(index)
  }

  /** The replica applied up to `applied`: resolve every waiter for a version at or below it. */
  #reached(applied: Version): void {
    if (applied < this.#lowest) return
    let lowest = Number.POSITIVE_INFINITY
    for (const [index, set] of this.#waiters) {
      if (index <= applied) for (const w of [...set]) w.resolve()
      else if (index < lowest) lowest = index
    }
    this.#lowest = lowest
  }

  /** Resolves when `predicate` holds for the state. */
  until(
    state: Watch<GroupState>,
    predicate: (s: GroupState) => boolean,
    ms: number,
    what: string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (predicate(state.get())) return Promise.resolve()
    const early = this.#refused(signal)
    if (early) return early
    const wait = new BoundedWait<void>(this.#timers, this.#closers, what, undefined, ms, signal)
    wait.onSettle = state.subscribe((s) => {
      if (predicate(s)) wait.resolve()
    })
    return wait.promise
  }

  /** Settles with `promise`, or rejects `offline` (`timedOut`) after `ms`, or on abort or close. */
  race<T>(promise: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
    const early = this.#refused(signal)
    if (early) return early
    const wait = new BoundedWait<T>(this.#timers, this.#closers, what, undefined, ms, signal)
    promise.then(
      (v) => wait.resolve(v),
      (e: unknown) => wait.reject(e),
    )
    return wait.promise
  }

  /** Resolves after `ms`; rejects if the member closes first. */
  sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed)
    return new Promise<void>((resolve, reject) => {
      const closer: Closer = {
        prev: undefined,
        next: undefined,
        listed: false,
        reject: (err) => {
          this.#timers.cancel(timer)
          reject(err)
        },
      }
      const timer = this.#timers.after(ms, () => {
        this.#closers.delete(closer)
        resolve()
      })
      this.#closers.add(closer)
    })
  }

  close(err: GroupError): void {
    this.#closed = err
    for (const c of this.#closers.takeAll()) c.reject(err)
    this.#answers.clear()
    this.#waiters.clear()
  }

  /** A wait that cannot start: the member closed, or the signal already aborted. */
  #refused(signal: AbortSignal | undefined): Promise<never> | undefined {
    if (this.#closed) return Promise.reject(this.#closed)
    if (signal?.aborted) return Promise.reject(signal.reason)
    return undefined
  }
}
