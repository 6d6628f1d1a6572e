import type { CollectionSnapshot } from '../collections/collection-types.js'
import { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'

/** Which handle an entry holds: writers are voting members, readers observers. */
export type HandleRole = 'reader' | 'writer'

/**
 * Where a handle stands for its users, in the words TanStack Query uses: `connecting`
 * (not yet online since it opened), `online`, `offline` (was online, lost its leader or
 * fell behind) and `closed` (network stopped or handle released; permanent).
 */
export type HandleStatus = 'connecting' | 'online' | 'offline' | 'closed'

/** The fields every replica snapshot has (Cell's and the other collections'). */
export type BaseSnapshot = Pick<CollectionSnapshot, 'version' | 'online' | 'leader' | 'role'>

/** What an entry observes: any collection handle (`subscribe`/`getSnapshot`/`close`). */
export interface ObservedHandle<S extends BaseSnapshot> {
  subscribe(listener: () => void): () => void
  getSnapshot(): S
  close(): Promise<void>
}

/** The state an entry publishes: the handle's snapshot fields plus status, error and the writer's pending writes. */
export type EntryState<S extends BaseSnapshot, P = unknown> = S & {
  readonly status: HandleStatus
  /** Why the entry is `closed`, or the last failed write (cleared by the next success). */
  readonly error: CellError<unknown> | undefined
  /** Writes through this entry not settled yet. */
  readonly pending: number
  /** The last value sent and not settled, for optimistic UI. */
  readonly pendingValue: P | undefined
}

/** What the registry gives each entry. */
export interface EntryHooks {
  /** How long a handle stays open after its last subscriber left, ms. */
  readonly gracePeriod: number
  /** Called once when the entry closed (evicted or network down), so the registry forgets it. */
  onClosed(entry: HandleEntry<BaseSnapshot, ObservedHandle<BaseSnapshot>>): void
  /** Counts timers for leak checks. */
  timers: { count: number }
}

/** How long a handle outlives a settled Suspense wait for the retried render to subscribe, ms. */
const SUSPENSE_RETRY_HOLD = 1000
/** The snapshot of each published state, to compare states without reading their (possibly lazy) fields. */
const SOURCE = Symbol('snapshot')

/**
 * One shared, ref-counted collection handle and the immutable state its users read: the
 * framework-free half of every hook (TanStack Query's observer, zustand's vanilla store).
 *
 * - `subscribe` retains the handle, its unsubscribe releases it; when the last subscriber
 *   leaves, the handle closes after `gracePeriod` unless someone subscribes again
 *   (StrictMode's mount/unmount/mount and fast remounts reuse it). An entry created during a
 *   render that never commits closes the same way.
 * - `getState` returns the same object until the snapshot, status, error, pending or
 *   pendingValue changed. The state carries the snapshot's fields as they are defined (a
 *   collection's lazy `value` stays lazy), plus `status`, `error`, `pending`, `pendingValue`.
 * - Writes go straight to the handle through `track`; their promise is the caller's
 *   (nothing swallowed). The entry only watches them to count `pending` and keep the last error.
 */
export class HandleEntry<S extends BaseSnapshot, H extends ObservedHandle<S>, P = unknown> {
  readonly key: string
  readonly role: HandleRole
  readonly #handle: H | undefined
  readonly #hooks: EntryHooks
  readonly #empty: S
  readonly #listeners = new Set<() => void>()
  readonly #unsubscribeHandle: (() => void) | undefined
  #refs = 0
  #holds = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #snapshot: S | undefined
  #everOnline = false
  #closedError: CellError<unknown> | undefined
  #lastError: CellError<unknown> | undefined
  #pending = 0
  #pendingValue: P | undefined
  #pendingSeq = 0
  #seq = 0
  #state: EntryState<S, P>
  #online: Promise<void> | undefined
  #evicted = false
  #suspenseTimer: ReturnType<typeof setTimeout> | undefined
  #timedOut: CellError<unknown> | undefined

  /**
   * `handle` undefined with `failure`: an entry that could not open (network stopped); it is
   * closed from the start and shows `empty` (the snapshot of an empty, offline replica).
   */
  constructor(key: string, role: HandleRole, handle: H | undefined, hooks: EntryHooks, empty: S, failure?: unknown) {
    this.key = key
    this.role = role
    this.#handle = handle
    this.#hooks = hooks
    this.#empty = empty
    if (handle) {
      this.#snapshot = handle.getSnapshot()
      this.#everOnline = this.#snapshot.online
      this.#unsubscribeHandle = handle.subscribe(() => this.refresh())
    } else {
      this.#closedError = asCellError(failure, 'the collection could not be opened', undefined)
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

  get handle(): H | undefined {
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
  readonly getState = (): EntryState<S, P> => this.#state

  /** Resolves when first online; rejects with the close error. Cached, so Suspense throws the same promise. Holds the handle until settled. */
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
          else if (this.#timedOut || this.#noWriter()) {
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
   * handle was never online, returns (and keeps returning) an `offline` CellError with reason
   * `timeout`, and wakes the suspended render so it can throw it.
   */
  suspenseTimeout(ms: number): CellError<unknown> | undefined {
    if (this.#timedOut || this.#everOnline || this.closed || this.#suspenseTimer !== undefined) return this.#timedOut
    this.#hooks.timers.count++
    this.#suspenseTimer = setTimeout(() => {
      this.#suspenseTimer = undefined
      this.#hooks.timers.count--
      if (this.#everOnline || this.closed) return
      const why = this.#noWriter() ? ': no writer reachable' : ''
      this.#timedOut = new CellError('offline', `offline: not online within ${ms} ms${why}`, undefined, {
        reason: 'timeout',
      })
      for (const l of [...this.#listeners]) l()
    }, ms)
    return undefined
  }

  /** The handle says no member that could lead is reachable (`CellSnapshot.noWriter`). */
  #noWriter(): boolean {
    return (this.#state as { noWriter?: boolean }).noWriter === true
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
    this.#closedError = reason ?? new CellError('network-down', 'the handle is closed', undefined)
    this.#unsubscribeHandle?.()
    this.#handle
      ?.close()
      .catch((err: unknown) => console.error('mosaik-react: closing a collection handle failed', err))
    this.#hooks.onClosed(this as unknown as HandleEntry<BaseSnapshot, ObservedHandle<BaseSnapshot>>)
    this.refresh()
  }

  /**
   * Runs a write on the writer handle and watches it: `pending` counts it until it settles,
   * `pendingValue` shows `value` meanwhile, a failure becomes `error`. Returns the handle's
   * promise (a closed entry or a reader rejects at once).
   */
  track(value: P | undefined, run: (writer: H) => Promise<Version>): Promise<Version> {
    let promise: Promise<Version>
    if (this.closed || !this.#handle) {
      promise = Promise.reject(asCellError(this.#closedError, 'the collection is closed', value))
    } else if (this.role !== 'writer') {
      promise = Promise.reject(new TypeError('this handle is a reader; use the writer hook to write'))
    } else {
      try {
        promise = run(this.#handle)
      } catch (err) {
        promise = Promise.reject(err)
      }
    }
    const seq = ++this.#seq
    this.#pending++
    this.#pendingValue = value
    this.#pendingSeq = seq
    this.refresh()
    const settle = (error: unknown) => {
      this.#pending--
      if (this.#pendingSeq === seq) this.#pendingValue = undefined
      if (error === undefined) {
        if (this.#pendingSeq === seq) this.#lastError = undefined
        this.refresh()
      } else this.recordError(error)
    }
    // Observes the outcome without handling it for the caller: the returned promise still rejects.
    promise.then(
      () => settle(undefined),
      (err: unknown) => settle(err ?? new Error('write failed')),
    )
    return promise
  }

  /** Shows `error` as the entry's last error. */
  protected recordError(error: unknown): void {
    this.#lastError = error instanceof CellError ? error : asCellError(error, String(error), undefined)
    this.refresh()
  }

  /** Called after the handle's snapshot is re-read, before subscribers hear of it. */
  protected onSnapshot(): void {}

  /** Re-reads the handle and tells subscribers if the published state changed. */
  protected refresh(): void {
    if (this.#handle && !this.closed) {
      this.#snapshot = this.#handle.getSnapshot()
      if (this.#snapshot.online) this.#everOnline = true
      this.onSnapshot()
    }
    const next = this.#buildState()
    if (sameState(next, this.#state)) return
    this.#state = next
    for (const l of [...this.#listeners]) l()
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
      this.close(new CellError('network-down', 'the handle was released', undefined))
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

  #buildState(): EntryState<S, P> {
    const s = this.#snapshot ?? this.#empty
    const closed = this.closed
    const status: HandleStatus = closed ? 'closed' : s.online ? 'online' : this.#everOnline ? 'offline' : 'connecting'
    // Copies the snapshot's property definitions, so lazy fields (a map's `value`) stay lazy.
    const fields: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(s)
    const own = {
      ...('noWriter' in s && { noWriter: !closed && s.noWriter === true }),
      online: !closed && s.online,
      leader: closed ? undefined : s.leader,
      status,
      error: this.#closedError ?? this.#lastError,
      pending: this.#pending,
      pendingValue: this.#pendingValue,
    }
    for (const [k, value] of Object.entries(own)) fields[k] = { value, enumerable: true }
    fields[SOURCE] = { value: s, enumerable: false }
    const state = Object.defineProperties({}, fields)
    return Object.freeze(state) as EntryState<S, P>
  }
}

function sameState(a: object, b: object): boolean {
  const x = a as Record<PropertyKey, unknown>
  const y = b as Record<PropertyKey, unknown>
  return (
    x[SOURCE] === y[SOURCE] &&
    x.online === y.online &&
    x.leader === y.leader &&
    x.status === y.status &&
    x.error === y.error &&
    x.pending === y.pending &&
    Object.is(x.pendingValue, y.pendingValue)
  )
}

/** `err` as a `CellError` (kind `network-down` unless it already is one). */
export function asCellError<V>(err: unknown, message: string, value: V): CellError<unknown> {
  if (err instanceof CellError) return err
  return new CellError('network-down', err instanceof Error ? `${message}: ${err.message}` : message, value, {
    cause: err,
  })
}
