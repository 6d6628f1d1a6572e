import type { PeerId, Version } from '../core/id.js'
import type { Emitter, Watch } from '../core/watch.js'
import { GroupError } from './errors.js'
import type { GroupState, GroupWhen } from './types.js'

/**
 * `GroupWhen` over the member's state watch (mosaik `When`). Promises wait without a
 * bound of their own (wrap them in `withTimeout`); all of them reject with
 * `GroupError('closed')` when the member leaves.
 */
export class When implements GroupWhen {
  readonly #state: Watch<GroupState>
  readonly #reverted: Emitter<Version>
  readonly #closers = new Set<() => void>()

  constructor(state: Watch<GroupState>, reverted: Emitter<Version>) {
    this.#state = state
    this.#reverted = reverted
  }

  online(): Promise<void> {
    return this.#until((s) => s.online, 'online').then(() => undefined)
  }

  offline(): Promise<void> {
    return this.#until((s) => !s.online, 'offline').then(() => undefined)
  }

  updated(): Promise<void> {
    const from = this.#state.get().applied
    return this.#until((s) => s.applied !== from, 'updated').then(() => undefined)
  }

  reaches(version: Version): Promise<void> {
    return this.#until((s) => s.applied >= version, `version ${version}`).then(() => undefined)
  }

  leaderElected(): Promise<PeerId> {
    return this.#until((s) => s.leader !== undefined, 'a leader').then((s) => s.leader as PeerId)
  }

  leaderChanged(): Promise<PeerId | undefined> {
    const from = this.#state.get().leader
    return this.#until((s) => s.leader !== from, 'a leader change').then((s) => s.leader)
  }

  reverted(): Promise<Version> {
    return this.#guard('a revert', (resolve) => this.#reverted.on(resolve))
  }

  /** Rejects every pending promise with `GroupError('closed')`. */
  close(): void {
    for (const c of [...this.#closers]) c()
  }

  #until(predicate: (s: GroupState) => boolean, what: string): Promise<GroupState> {
    const now = this.#state.get()
    if (predicate(now)) return Promise.resolve(now)
    return this.#guard(what, (resolve) =>
      this.#state.subscribe((s) => {
        if (predicate(s)) resolve(s)
      }),
    )
  }

  #guard<T>(what: string, listen: (resolve: (v: T) => void) => () => void): Promise<T> {
    if (this.#state.closed) return Promise.reject(new GroupError('closed', `group left while waiting for ${what}`))
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        unsub()
        this.#closers.delete(onClose)
      }
      const onClose = () => {
        done()
        reject(new GroupError('closed', `group left while waiting for ${what}`))
      }
      const unsub = listen((v) => {
        done()
        resolve(v)
      })
      this.#closers.add(onClose)
    })
  }
}
