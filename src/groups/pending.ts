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

/** A wait for one answer, settled by its holder. */
export interface AnswerWait {
  readonly promise: Promise<Answer>
  answered(answer: Answer): void
}

/** A call waiting for a version, the tag its entry must carry, and whether it already settled. */
type Waiter = BoundedWait<void> & { index: Version; tag: string | undefined; gone: boolean }

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
  /**
   * Calls waiting for a version, sorted by it from `#head` on. A new write waits for the
   * highest version yet, so adding one is an append, and the applied point only moves up, so
   * the reached ones leave from the front: no map or set whose table is regrown and shrunk
   * with each batch of writes. A waiter that settled otherwise (timeout, abort) is marked
   * `gone` and dropped when reached, or when the gone ones outnumber the rest.
   */
  #waiters: (Waiter | undefined)[] = []
  #head = 0
  #gone = 0
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

  /**
   * A wait for an answer that the caller settles itself (`answered`), not by request id: a
   * call queued for the next proposal holds its own, so no map of ids churns per write.
   * Bounded, aborted and closed like `outcome`.
   */
  answerWait(ms: number | undefined, signal?: AbortSignal): AnswerWait {
    const early = this.#refused(signal)
    if (early) return { promise: early, answered: () => {} }
    const wait = new BoundedWait<Answer>(this.#timers, this.#closers, 'answer from the leader', undefined, ms, signal)
    return { promise: wait.promise, answered: (answer) => wait.resolve(answer) }
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
    const ws = this.#waiters
    for (let i = this.#firstAtLeast(index); i < ws.length; i++) {
      const w = ws[i] as Waiter
      if (w.index !== index) break
      if (!w.gone && w.tag !== undefined && w.tag !== tag)
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
    const waiter = new BoundedWait<void>(this.#timers, this.#closers, 'version', index, ms, signal) as Waiter
    waiter.index = index
    waiter.tag = tag
    waiter.gone = false
    const ws = this.#waiters
    const last = ws[ws.length - 1]
    if (ws.length === this.#head || (last as Waiter).index <= index) ws.push(waiter)
    else ws.splice(this.#firstAtLeast(index + 1), 0, waiter)
    waiter.onSettle = () => this.#forget(waiter)
    return waiter.promise
  }

  /** Slots the version waits hold, settled ones not yet swept included (tests bound it). */
  get versionSlots(): number {
    return this.#waiters.length - this.#head
  }

  /** The position of the first waiter for `index` or later (binary search from `#head`). */
  #firstAtLeast(index: Version): number {
    const ws = this.#waiters
    let lo = this.#head
    let hi = ws.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((ws[mid] as Waiter).index < index) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** A waiter settled: marked, and the gone ones swept out once they outnumber the rest. */
  #forget(waiter: Waiter): void {
    waiter.gone = true
    if (++this.#gone > 64 && this.#gone * 2 > this.versionSlots) {
      this.#waiters = this.#waiters.slice(this.#head).filter((w) => !(w as Waiter).gone)
      this.#head = 0
      this.#gone = 0
    }
  }

  /** The replica applied up to `applied`: resolve every waiter for a version at or below it. */
  #reached(applied: Version): void {
    const ws = this.#waiters
    while (this.#head < ws.length && (ws[this.#head] as Waiter).index <= applied) {
      const w = ws[this.#head] as Waiter
      ws[this.#head++] = undefined
      if (w.gone) this.#gone--
      else {
        // Out of the array already: settling it must not count it as gone.
        w.onSettle = undefined
        w.resolve()
      }
    }
    // Emptied, or mostly behind the front: start the array again.
    if (this.#head === ws.length) {
      ws.length = 0
      this.#head = 0
    } else if (this.#head > 1024 && this.#head * 2 > ws.length) {
      this.#waiters = ws.slice(this.#head)
      this.#head = 0
    }
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
    this.#waiters = []
    this.#head = 0
    this.#gone = 0
  }

  /** A wait that cannot start: the member closed, or the signal already aborted. */
  #refused(signal: AbortSignal | undefined): Promise<never> | undefined {
    if (this.#closed) return Promise.reject(this.#closed)
    if (signal?.aborted) return Promise.reject(signal.reason)
    return undefined
  }
}
