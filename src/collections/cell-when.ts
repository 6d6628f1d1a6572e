import { CellError } from '../core/errors.js'
import type { PeerId, Version } from '../core/id.js'
import type { GroupWhen } from '../groups/types.js'
import type { When } from './types.js'

/**
 * A collection's `When` over its group's (mosaik `collections::When`): the same waits,
 * with the group's `closed` failure reported as `CellError('network-down')`, the one
 * error a collection caller needs to know about.
 */
export class CollectionWhen implements When {
  readonly #group: GroupWhen
  readonly #waiting = new Set<() => void>()
  #closed = false

  constructor(group: GroupWhen) {
    this.#group = group
  }

  /** Fails every pending and future wait with `network-down` (the handle closed; the group may live on). */
  close(): void {
    this.#closed = true
    for (const fail of [...this.#waiting]) fail()
  }

  online(): Promise<void> {
    return this.#wrap(() => this.#group.online())
  }

  offline(): Promise<void> {
    return this.#wrap(() => this.#group.offline())
  }

  updated(): Promise<void> {
    return this.#wrap(() => this.#group.updated())
  }

  reaches(version: Version): Promise<void> {
    return this.#wrap(() => this.#group.reaches(version))
  }

  leaderElected(): Promise<PeerId> {
    return this.#wrap(() => this.#group.leaderElected())
  }

  leaderChanged(): Promise<PeerId | undefined> {
    return this.#wrap(() => this.#group.leaderChanged())
  }

  reverted(): Promise<Version> {
    return this.#wrap(() => this.#group.reverted())
  }

  #wrap<T>(wait: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(networkDown(undefined))
    return new Promise<T>((resolve, reject) => {
      const fail = () => reject(networkDown(undefined))
      this.#waiting.add(fail)
      wait().then(
        (v) => {
          this.#waiting.delete(fail)
          resolve(v)
        },
        (err: unknown) => {
          this.#waiting.delete(fail)
          reject(toCellError(err, undefined))
        },
      )
    })
  }
}

/** `CellError('network-down')`: the cell was closed or its network stopped; permanent. */
export function networkDown<V>(value: V, cause?: unknown): CellError<V> {
  return new CellError('network-down', 'the cell is closed or its network stopped', value, { cause })
}

/** Maps a group failure onto the `CellError` a collection caller sees, keeping `value` for a retry. */
export function toCellError<V>(err: unknown, value: V): CellError<V> {
  if (err instanceof CellError)
    return new CellError(err.kind, err.message, value, { cause: err, reason: err.reason, details: err.details })
  const kind = (err as { kind?: unknown } | null)?.kind
  const message = err instanceof Error ? err.message : String(err)
  if (kind === 'closed') return networkDown(value, err)
  if (kind === 'encoding') return new CellError('encoding', message, value, { cause: err })
  if (kind === 'unauthorized') return new CellError('unauthorized', message, value, { cause: err })
  return new CellError('offline', message, value, { cause: err })
}
