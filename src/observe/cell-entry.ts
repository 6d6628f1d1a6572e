import type { CellReader, CellSnapshot, CellWriter } from '../collections/types.js'
import { bytesEqual, encodeCanonical } from '../core/codec.js'
import { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'
import { type EntryHooks, type EntryState, HandleEntry, type HandleRole } from './handle-entry.js'

/** Which handle a hook holds: writers are voting members, readers observers. */
export type CellRole = HandleRole

/** The state a cell entry publishes: the snapshot, status, error, and the writer's pending fields (0 / undefined for readers). */
export type CellEntryState<T> = EntryState<CellSnapshot<T>, T>

/** What the registry gives each entry. */
export type CellEntryHooks = EntryHooks

/** Options of `CellEntry.update`. */
export interface UpdateOptions {
  /** Compare-exchange rounds before giving up (default 8). */
  attempts?: number
}

const DEFAULT_UPDATE_ATTEMPTS = 8
/** Recent (version, value) pairs kept while `update` runs, to tell whether its compare-exchange won. */
const HISTORY_LIMIT = 256

/** A cell's snapshot before its handle opens (or when it could not). */
export const EMPTY_CELL: CellSnapshot<never> = Object.freeze({
  value: undefined,
  version: 0,
  online: false,
  leader: undefined,
  role: 'follower',
})

/**
 * The shared entry of one cell handle (see `HandleEntry` for sharing, grace periods and
 * state): adds the cell's writes and `update`, a compare-exchange loop.
 */
export class CellEntry<T> extends HandleEntry<CellSnapshot<T>, CellReader<T>, T> {
  #updates = 0
  #updateQueue: Promise<void> = Promise.resolve()
  #history: { version: Version; value: T | undefined }[] = []

  constructor(
    key: string,
    role: CellRole,
    handle: CellReader<T> | undefined,
    hooks: CellEntryHooks,
    failure?: unknown,
  ) {
    super(key, role, handle, hooks, EMPTY_CELL, failure)
  }

  write(value: T): Promise<Version> {
    return this.track(value, (w) => (w as CellWriter<T>).write(value))
  }

  compareExchange(current: T | undefined, next: T | undefined): Promise<Version> {
    return this.track(next, (w) => (w as CellWriter<T>).compareExchange(current, next))
  }

  clear(): Promise<Version> {
    return this.track(undefined, (w) => (w as CellWriter<T>).clear())
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

  protected override onSnapshot(): void {
    if (this.#updates > 0) this.#remember()
  }

  async #update(fn: (current: T | undefined) => T | undefined, options?: UpdateOptions): Promise<Version> {
    const attempts = Math.max(1, options?.attempts ?? DEFAULT_UPDATE_ATTEMPTS)
    this.#updates++
    try {
      let lastError: CellError<unknown> | undefined
      for (let attempt = 1; attempt <= attempts; attempt++) {
        this.#remember()
        const current = this.handle?.getSnapshot().value
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
      this.recordError(lastError)
      throw lastError
    } finally {
      if (--this.#updates === 0) this.#history = []
    }
  }

  #remember(): void {
    const h = this.handle
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
    const won = this.handle?.compareExchangeWon?.(version)
    if (won !== undefined) return won
    this.#remember()
    const before = this.#history.find((h) => h.version === version - 1)
    if (before) return sameValue(before.value, current)
    const after = this.#history.find((h) => h.version >= version)
    return after ? sameValue(after.value, next) : sameValue(this.handle?.read(), next)
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
