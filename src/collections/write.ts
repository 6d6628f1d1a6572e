import type { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'
import type { Linked, LinkedSet } from '../core/linked-set.js'
import { GroupError } from '../groups/errors.js'
import type { Group } from '../groups/types.js'
import { networkDown, toCellError } from './cell-when.js'
import { offlineError } from './writer-watch.js'

/** What a collection handle lends one write. */
export interface WriteScope {
  /** The write's bound, ms (`writeTimeout`): the group's call timeout, the write's only timer. */
  readonly timeoutMs: number
  /** Fails each write in flight with `network-down` when the handle closes. */
  readonly inFlight: LinkedSet<InFlight>
  closed(): boolean
}

/** A write in flight, as its handle holds it: what fails it when the handle closes. */
export interface InFlight extends Linked<InFlight> {
  fail(): void
}

/**
 * The one write path of every collection (docs/ARCHITECTURE.md "The write path"): runs
 * `command` on the group with `timeout: timeoutMs` (the group bounds the whole call by that
 * one deadline, and arms no second timer) and maps every failure onto one `CellError`
 * carrying `value` (`writeError`). Closing the handle fails the write at once.
 */
export function runWrite<C, V>(group: Group<C>, command: C, value: V, scope: WriteScope): Promise<Version> {
  if (scope.closed()) return Promise.reject(networkDown(value))
  // Plain callbacks, no `await` or race: the caller resumes one microtask after the commit.
  return new Promise<Version>((resolve, reject) => {
    const write: InFlight = {
      prev: undefined,
      next: undefined,
      listed: false,
      fail: () => {
        scope.inFlight.delete(write)
        reject(networkDown(value))
      },
    }
    scope.inFlight.add(write)
    group.execute(command, { timeout: scope.timeoutMs }).then(
      (version) => {
        scope.inFlight.delete(write)
        resolve(version)
      },
      (err: unknown) => {
        scope.inFlight.delete(write)
        reject(
          scope.closed() ? networkDown(value, err) : writeError(err, group as Group<unknown>, value, scope.timeoutMs),
        )
      },
    )
  })
}

/**
 * A failed write as the caller sees it: the group's kind mapped by `toCellError`; an
 * `offline` failure says why from the group's reachability (`offlineError`), and one caused
 * by the call's timeout says so: `offline: 1 of 3 voters reachable; strict mode needs 2 (no
 * commit within 10000 ms, the write timeout)`.
 */
export function writeError<V>(err: unknown, group: Group<unknown>, value: V, timeoutMs: number): CellError<V> {
  const mapped = toCellError(err, value)
  if (mapped.kind !== 'offline' || mapped.reason !== undefined) return mapped
  if (err instanceof GroupError && err.timedOut)
    return offlineError(group, value, `no commit within ${timeoutMs} ms, the write timeout`, err, timeoutMs)
  return offlineError(group, value, mapped.message, err)
}
