/** Public types of the React binding (docs/API.md "React"). */

import type { CellOptions, CellReader, CellSnapshot, CellWriter } from '../collections/types.js'
import type { CellError } from '../core/errors.js'
import type { IdLike, StoreId, Version } from '../core/id.js'
import type { Network } from '../network/network.js'
import type { UpdateOptions } from '../observe/cell-entry.js'

/**
 * Where a cell stands for this component, in the words TanStack Query uses:
 *
 * | status       | meaning                                                                 |
 * |--------------|-------------------------------------------------------------------------|
 * | `connecting` | not yet online since the handle opened (or the network is still starting, or server rendering) |
 * | `online`     | a leader is known and the local replica is in sync; writes can commit   |
 * | `offline`    | was online, lost its leader or fell behind; writes wait, then fail `offline` |
 * | `closed`     | the network stopped (or the handle closed); permanent, `error` says why |
 */
export type CellStatus = 'connecting' | 'online' | 'offline' | 'closed'

/** What `useCellReader` returns: the replica's snapshot plus a status. Immutable; a new object only when something in it changed. */
export interface CellState<T> extends CellSnapshot<T> {
  readonly status: CellStatus
  /**
   * A reader that has had no reachable writer for a bounded time (three election timeouts
   * plus the bootstrap delay; see `CellSnapshot.noWriter`): show "no writer reachable"
   * instead of waiting on `connecting` forever. `useSuspenseCell` throws it to the error boundary.
   */
  readonly noWriter: boolean
  /** Why the cell is `closed` (kind `network-down`), or the last failed write of a writer (cleared by the next success). */
  readonly error: CellError<unknown> | undefined
}

/** What `useCellWriter` returns. The functions keep their identity for the component's lifetime. */
export interface CellWriterState<T> extends CellState<T> {
  /** Resolves with the version at which the write committed; rejects with `CellError`. */
  write(value: T): Promise<Version>
  /** Alias of `write`. */
  set(value: T): Promise<Version>
  /** Commits either way; changes the value only if it equals `current` (by canonical CBOR bytes). */
  compareExchange(current: T | undefined, next: T | undefined): Promise<Version>
  clear(): Promise<Version>
  /**
   * Read-modify-write: runs `fn` on the local value and commits the result with a
   * compare-exchange, retrying (at most `attempts`, default 8) when another writer got there
   * first. `fn` may run several times, so it must be pure. Updates from one peer to one cell
   * run one after another (they never race each other). Rejects with the last error when it
   * cannot win (a `CellError` of kind `offline` naming the conflict), or at once with any write error.
   */
  update(fn: (current: T | undefined) => T | undefined, options?: UpdateOptions): Promise<Version>
  /** Writes from this peer to this cell that have not settled yet (shared by every component on the cell). */
  readonly pending: number
  /** The last value sent and not yet committed, for optimistic UI (`pendingValue ?? value`); `undefined` for `clear`. */
  readonly pendingValue: T | undefined
}

export type { UpdateOptions } from '../observe/cell-entry.js'

/**
 * A cell declared once with `defineCell` (collections). Structural, so any declaration with
 * these members works; the hooks use `writer`/`reader` unless extra cell options are passed.
 */
export interface CellDefLike<T> {
  readonly storeId: StoreId
  readonly options?: CellOptions<T> | undefined
  writer(network: Network): CellWriter<T>
  reader(network: Network): CellReader<T>
}

/** A cell argument of the hooks: a store id (name, 64-hex or `UniqueId`) or a `defineCell` definition. */
export type CellInput<T> = IdLike | CellDefLike<T>

/**
 * Options of the cell hooks: the cell options (used when the cell is given by id, or merged
 * over a definition's) plus React-only ones. Hoist `schema` objects to module scope: handles
 * are shared by option content, and a schema is compared by identity.
 */
export interface UseCellOptions<T> extends CellOptions<T> {
  /** Suspend (throw to the nearest `<Suspense>`) until the cell is first online and caught up. Never suspends once it was online. */
  suspense?: boolean
  /** With `suspense`: after this many ms without being online, throw an `offline` CellError (reason `timeout`) to the error boundary. */
  suspenseTimeout?: number
}

/** Options of `useSuspenseCell`: the cell options plus `timeout`. */
export interface UseSuspenseCellOptions<T> extends Omit<UseCellOptions<T>, 'suspense' | 'suspenseTimeout'> {
  /** Ms to wait for the cell to be online before throwing an `offline` CellError (reason `timeout`) to the error boundary. Default: no bound. */
  timeout?: number
}
