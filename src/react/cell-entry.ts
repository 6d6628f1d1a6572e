import type { CellReader, CellSnapshot, CellWriter } from '../collections/types.js'
import { bytesEqual, encodeCanonical } from '../core/codec.js'
import { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'
import type { CellState, CellStatus, UpdateOptions } from './types.js'

/** Which handle a hook holds: writers are voting members, readers observers. */
export type CellRole = 'reader' | 'writer'

/** The state an entry publishes: `CellState` plus the writer's pending fields (0 / undefined for readers). */
export interface CellEntryState<T> extends CellState<T> {
  readonly pending: number
  readonly pendingValue: T | undefined
}

/** What the registry gives each entry. */
export interface CellEntryHooks {
  /** How long a handle stays open after its last subscriber left, ms. */
  readonly gracePeriod: number
  /** Called once when the entry closed (evicted or network down), so the registry forgets it. */
  onClosed(entry: CellEntry<unknown>): void
  /** Counts timers for leak checks. */
  timers: { count: number }
}

const DEFAULT_UPDATE_ATTEMPTS = 8
/** Recent (version, value) pairs kept while `update` runs, to tell whether its compare-exchange won. */
const HISTORY_LIMIT = 256
/** How long a handle outlives a settled Suspense wait for the retried render to subscribe, ms. */
const SUSPENSE_RETRY_HOLD = 1000

/**
 * One shared, ref-counted cell handle and the immutable state React reads from it: the
 * framework-free half of the hooks (TanStack Query's observer, zustand's vanilla store).
 *
 * - `subscribe` retains the handle, its unsubscribe releases it; when the last subscriber
 *   leaves, the handle closes after `gracePeriod` unless someone subscribes again
 *   (StrictMode's mount/unmount/mount and fast remounts reuse it). An entry created during a
 *   render that never commits closes the same way.
 * - `getState` returns the same object until value, version, online, leader, role, status,
 *   error, pending or pendingValue changed.
 * - Writes go straight to the handle; their promise is the caller's (nothing swallowed). The
 *   entry only watches them to count `pending` and record the last error.
 */
export class CellEntry<T> {
  readonly key: string
  readonly role: CellRole
  readonly #handle: CellReader<T> | undefined
  readonly #hooks: CellEntryHooks
  readonly #listeners = new Set<() => void>()
  readonly #unsubscribeHandle: (() => void) | undefined
  #refs = 0
  #holds = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #snapshot: CellSnapshot<T> | undefined
  #everOnline = false
  #closedError: CellError<unknown> | undefined
  #lastError: CellError<unknown> | undefined
  #pending = 0
  #pendingValue: T | undefined
  #pendingSeq = 0
  #seq = 0
  #state: CellEntryState<T>
  #online: Promise<void> | undefined
  #updates = 0
  #updateQueue: Promise<void> = Promise.resolve()
  #evicted = false
  #history: { version: Version; value: T | undefined }[] = []
  #suspenseTimer: ReturnType<typeof setTimeout> | undefined
  #timedOut: CellError<unknown> | undefined

  /** `handle` undefined with `failure`: an entry that could not open (network stopped); it is closed from the start. */
  constructor(
    key: string,
    role: CellRole,
    handle: CellReader<T> | undefined,
    hooks: CellEntryHooks,
    failure?: unknown,
  ) {
    this.key = key
    this.role = role
    this.#handle = handle
    this.#hooks = hooks
    if (handle) {
      this.#snapshot = handle.getSnapshot()
      this.#everOnline = this.#snapshot.online
      this.#unsubscribeHandle = handle.subscribe(this.#onHandleChange)
    } else {
      this.#closedError = toCellError(failure, 'the cell could not be opened', undefined)
    }
    this.#state = this.#buildState()
    // Until someone subscribes (a render that commits), the handle lives only for the grace period.
    if (handle) this.#scheduleClose()
  }

  /** Closed because nobody used it for the grace period (not because the network went down). */
  get evicted(): boolean {
    return this.#evicted
  }

  get closed(): boolean {
    return this.#closedError !== undefined
  }

  /** Subscribers (mounted components) plus holds (suspended renders). */
  get refs(): number {
    return this.#refs + this.#holds
  }

  /** The cell's handle; a writer entry's is a `CellWriter`. */
  get handle(): CellReader<T> | undefined {
    return this.#handle
  }

  /** For `useSyncExternalStore`: retains the handle while subscribed. Stable identity. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    this.#retain()
    let active = true
    return () => {
      if (!active) return
      active = false
      this.#listeners.delete(listener)
      this.#release()
    }
  }

  /** For `useSyncExternalStore`: the current immutable state. Stable identity. */
  readonly getState = (): CellEntryState<T> => this.#state

  /** Resolves when the cell is first online; rejects with the close error. Cached, so Suspense throws the same promise. Holds the handle until settled. */
  whenOnline(): Promise<void> {
    if (this.#online) return this.#online
    if (this.closed) {
      this.#online = Promise.reject(this.#closedError)
    } else if (this.#everOnline) {
      this.#online = Promise.resolve()
    } else {
      this.#holds++
      this.#cancelClose()
      this.#online = new Promise<void>((resolve, reject) => {
        const check = () => {
          if (this.#everOnline) resolve()
          else if (this.#closedError) reject(this.#closedError)
          else if (this.#timedOut || this.#state.noWriter) {
            // Woken to show an error: the next wait needs a fresh promise.
            this.#online = undefined
            resolve()
          } else return
          unsubscribe()
          this.#holds--
          // React reveals Suspense content up to ~300 ms later (throttled): give the retry time to subscribe.
          if (this.refs === 0 && !this.closed)
            this.#scheduleClose(Math.max(this.#hooks.gracePeriod, SUSPENSE_RETRY_HOLD))
        }
        const unsubscribe = this.#listen(check)
      })
    }
    // React attaches its own handlers; this keeps an unobserved rejection from surfacing.
    this.#online.catch(() => {})
    return this.#online
  }

  /**
   * Bounds a Suspense wait: the first call starts a timer of `ms`; once it ran out while the
   * cell was never online, returns (and keeps returning) an `offline` CellError with reason
   * `timeout`, and wakes the suspended render so it can throw it.
   */
  suspenseTimeout(ms: number): CellError<unknown> | undefined {
    if (this.#timedOut || this.#everOnline || this.closed || this.#suspenseTimer !== undefined) return this.#timedOut
    this.#hooks.timers.count++
    this.#suspenseTimer = setTimeout(() => {
      this.#suspenseTimer = undefined
      this.#hooks.timers.count--
      if (this.#everOnline || this.closed) return
      const why = this.#state.noWriter ? ': no writer reachable' : ''
      this.#timedOut = new CellError('offline', `offline: not online within ${ms} ms${why}`, undefined, {
        reason: 'timeout',
      })
      for (const l of [...this.#listeners]) l()
    }, ms)
    return undefined
  }

  write(value: T): Promise<Version> {
    return this.#track(value, (w) => w.write(value))
  }

  compareExchange(current: T | undefined, next: T | undefined): Promise<Version> {
    return this.#track(next, (w) => w.compareExchange(current, next))
  }

  clear(): Promise<Version> {
    return this.#track(undefined, (w) => w.clear())
  }

  /**
   * See `CellWriterState.update`. Updates through this entry run one after another, so
   * components of one peer never race each other; only other peers' writes can make a
   * compare-exchange lose.
   */
  update(fn: (current: T | undefined) => T | undefined, options?: UpdateOptions): Promise<Version> {
    const run = () => this.#update(fn, options)
    const result = this.#updateQueue.then(run, run)
    this.#updateQueue = result.then(noop, noop)
    return result
  }

  async #update(fn: (current: T | undefined) => T | undefined, options?: UpdateOptions): Promise<Version> {
    const attempts = Math.max(1, options?.attempts ?? DEFAULT_UPDATE_ATTEMPTS)
    this.#updates++
    try {
      let lastError: CellError<unknown> | undefined
      for (let attempt = 1; attempt <= attempts; attempt++) {
        this.#remember()
        const current = this.#handle?.getSnapshot().value
        const next = fn(current)
        // Throws (rejects) at once for closed, offline, encoding and invalid: only a lost race is retried.
        const version = await this.compareExchange(current, next)
        if (this.#casWon(version, current, next)) return version
        lastError = new CellError(
          'offline',
          `update lost the compare-exchange to another writer ${attempt} time(s); the cell changes too fast to update — retry later or raise attempts`,
          next,
        )
      }
      this.#recordError(lastError)
      throw lastError
    } finally {
      if (--this.#updates === 0) this.#history = []
    }
  }

  /** Closes the handle now (network stopped or eviction). Idempotent. */
  close(reason?: CellError<unknown>): void {
    if (this.closed) return
    this.#cancelClose()
    if (this.#suspenseTimer !== undefined) {
      clearTimeout(this.#suspenseTimer)
      this.#suspenseTimer = undefined
      this.#hooks.timers.count--
    }
    this.#closedError = reason ?? new CellError('network-down', 'the cell handle is closed', undefined)
    this.#unsubscribeHandle?.()
    this.#handle?.close().catch((err: unknown) => console.error('mosaik-react: closing a cell handle failed', err))
    this.#hooks.onClosed(this as CellEntry<unknown>)
    this.#refresh()
  }

  #retain(): void {
    this.#refs++
    this.#cancelClose()
  }

  #release(): void {
    this.#refs--
    if (this.refs === 0 && !this.closed) this.#scheduleClose()
  }

  #scheduleClose(delay = this.#hooks.gracePeriod): void {
    this.#cancelClose()
    this.#hooks.timers.count++
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#hooks.timers.count--
      if (this.refs > 0) return
      this.#evicted = true
      this.close(new CellError('network-down', 'the cell handle was released', undefined))
    }, delay)
  }

  #cancelClose(): void {
    if (this.#timer === undefined) return
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#hooks.timers.count--
  }

  #listen(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  readonly #onHandleChange = (): void => {
    this.#refresh()
  }

  /** Re-reads the handle and tells subscribers if the published state changed. */
  #refresh(): void {
    if (this.#handle && !this.closed) {
      this.#snapshot = this.#handle.getSnapshot()
      if (this.#snapshot.online) this.#everOnline = true
      if (this.#updates > 0) this.#remember()
    }
    const next = this.#buildState()
    if (sameState(next, this.#state)) return
    this.#state = next
    for (const l of [...this.#listeners]) l()
  }

  #buildState(): CellEntryState<T> {
    const s = this.#snapshot
    const status: CellStatus = this.closed
      ? 'closed'
      : s?.online
        ? 'online'
        : this.#everOnline
          ? 'offline'
          : 'connecting'
    return {
      value: s?.value,
      version: s?.version ?? 0,
      online: !this.closed && (s?.online ?? false),
      leader: this.closed ? undefined : s?.leader,
      role: s?.role ?? 'follower',
      noWriter: !this.closed && (s?.noWriter ?? false),
      status,
      error: this.#closedError ?? this.#lastError,
      pending: this.#pending,
      pendingValue: this.#pendingValue,
    }
  }

  #track(value: T | undefined, run: (writer: CellWriter<T>) => Promise<Version>): Promise<Version> {
    let promise: Promise<Version>
    if (this.closed || !this.#handle) {
      promise = Promise.reject(toCellError(this.#closedError, 'the cell is closed', value))
    } else if (this.role !== 'writer') {
      promise = Promise.reject(new TypeError('this cell handle is a reader; use useCellWriter to write'))
    } else {
      try {
        promise = run(this.#handle as CellWriter<T>)
      } catch (err) {
        promise = Promise.reject(err)
      }
    }
    const seq = ++this.#seq
    this.#pending++
    this.#pendingValue = value
    this.#pendingSeq = seq
    this.#refresh()
    const settle = (error: unknown) => {
      this.#pending--
      if (this.#pendingSeq === seq) this.#pendingValue = undefined
      if (error === undefined) {
        if (this.#pendingSeq === seq) this.#lastError = undefined
        this.#refresh()
      } else this.#recordError(error)
    }
    // Observes the outcome without handling it for the caller: the returned promise still rejects.
    promise.then(
      () => settle(undefined),
      (err: unknown) => settle(err ?? new Error('write failed')),
    )
    return promise
  }

  #recordError(error: unknown): void {
    this.#lastError = error instanceof CellError ? error : toCellError(error, String(error), undefined)
    this.#refresh()
  }

  #remember(): void {
    const h = this.#handle
    if (!h || this.closed) return
    const { version, value } = h.getSnapshot()
    const last = this.#history.at(-1)
    if (last && last.version === version) return
    this.#history.push({ version, value })
    if (this.#history.length > HISTORY_LIMIT) this.#history.shift()
  }

  /**
   * Did the compare-exchange committed at `version` swap? The replica's record says, when it
   * has one; otherwise this reads the recorded history: exact when the replica was seen
   * at `version - 1` (won iff that value equals `current`); otherwise it falls back to the
   * first value seen at or after `version` (won iff it equals `next`), which can be wrong when
   * two writers race to the same result inside one committed batch.
   */
  #casWon(version: Version, current: T | undefined, next: T | undefined): boolean {
    // Exact when the replica applied that entry itself (the usual case); batches of several
    // writers' commands commit together, which the history below cannot always tell apart.
    const won = this.#handle?.compareExchangeWon?.(version)
    if (won !== undefined) return won
    this.#remember()
    const before = this.#history.find((h) => h.version === version - 1)
    if (before) return sameValue(before.value, current)
    const after = this.#history.find((h) => h.version >= version)
    return after ? sameValue(after.value, next) : sameValue(this.#handle?.read(), next)
  }
}

const noop = (): void => {}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b
  if (Object.is(a, b)) return true
  try {
    return bytesEqual(encodeCanonical(a), encodeCanonical(b))
  } catch {
    return false
  }
}

function sameState<T>(a: CellEntryState<T>, b: CellEntryState<T>): boolean {
  return (
    Object.is(a.value, b.value) &&
    a.version === b.version &&
    a.online === b.online &&
    a.leader === b.leader &&
    a.role === b.role &&
    a.noWriter === b.noWriter &&
    a.status === b.status &&
    a.error === b.error &&
    a.pending === b.pending &&
    Object.is(a.pendingValue, b.pendingValue)
  )
}

function toCellError<V>(err: unknown, message: string, value: V): CellError<unknown> {
  if (err instanceof CellError) return err
  return new CellError('network-down', err instanceof Error ? `${message}: ${err.message}` : message, value, {
    cause: err,
  })
}
