import { decode } from '../core/codec.js'
import type { PeerId, Version } from '../core/id.js'
import type { LogCommand } from './log-command.js'
import type { Entry, Term } from './raft/types.js'
import type { ApplyContext, StateMachine } from './types.js'

/** What the applier reports back to the driver. */
export interface ApplierHooks {
  /** A `snap` entry committed: hold a snapshot of the state as it is now. */
  snapshotAt(index: Version, term: Term, by: PeerId, leader: string | undefined): void
  /**
   * The entry at `index` was proposed under `tag` (to detect entries lost to a leader change);
   * `undefined` for the group's own entries (`noop`, `snap`), which no call proposed.
   */
  tagged(index: Version, tag: string | undefined): void
  /**
   * One call per `apply` that moved the applied index (also for `noop`/`snap` entries only):
   * the new applied index and how many commands it applied.
   */
  committed(version: Version, count: number): void
  /** Every entry as it is applied (or skipped as undecodable), in index order: who wrote the history. */
  entry?(index: Version, term: Term, leader: string | undefined): void
}

/**
 * Feeds committed entries to the state machine (mosaik's apply loop): consecutive commands
 * of one term go to `applyBatch` in one call; `snap` and `noop` entries are the group's own
 * and split batches. A command that cannot be decoded, or a state machine that throws, is
 * reported and skipped: one bad entry must not stop the replica.
 */
export class Applier<C> {
  readonly #sm: StateMachine<C, unknown, unknown, unknown>
  readonly #decode: (bytes: Uint8Array) => C
  readonly #hooks: ApplierHooks
  readonly #name: string
  /** Highest index applied: the replica's version. */
  applied: Version

  constructor(sm: StateMachine<C, unknown, unknown, unknown>, name: string, applied: Version, hooks: ApplierHooks) {
    this.#sm = sm
    const own = sm.decodeCommand
    this.#decode = own ? (bytes) => own.call(sm, bytes) : (bytes) => decode<C>(bytes)
    this.#name = name
    this.applied = applied
    this.#hooks = hooks
  }

  apply(entries: readonly Entry<LogCommand>[]): void {
    const from = this.applied
    let batch: C[] = []
    let first = 0
    let term = 0
    let count = 0
    let skipped = 0
    let lastSkipped = 0
    for (const e of entries) {
      if (e.index <= this.applied) continue
      this.#hooks.entry?.(e.index, e.term, e.leader)
      const c = e.command
      if (c.t === 'cmd' && !e.noop) {
        let command: C
        try {
          command = this.#decode(c.b)
        } catch (err) {
          // The first of a call's undecodable entries is logged with its error, the rest counted
          // below: a writer's thousand-command forward of garbage costs one line, not a thousand.
          if (skipped++ === 0)
            console.error(`mosaik-react: group ${this.#name} skips undecodable entry ${e.index}`, err)
          lastSkipped = e.index
          count += this.#flush(batch, first, term)
          batch = []
          this.applied = e.index
          continue
        }
        if (batch.length > 0 && (e.term !== term || e.index !== first + batch.length)) {
          count += this.#flush(batch, first, term)
          batch = []
        }
        if (batch.length === 0) {
          first = e.index
          term = e.term
        }
        batch.push(command)
        this.#hooks.tagged(e.index, c.o)
        continue
      }
      count += this.#flush(batch, first, term)
      batch = []
      this.applied = e.index
      // No call proposed it: a caller waiting on this index lost its entry to a new leader's.
      this.#hooks.tagged(e.index, undefined)
      if (c.t === 'snap') this.#hooks.snapshotAt(e.index, e.term, c.by, e.leader)
    }
    count += this.#flush(batch, first, term)
    if (skipped > 1)
      console.error(
        `mosaik-react: group ${this.#name} skipped ${skipped - 1} more undecodable entries, to ${lastSkipped}`,
      )
    if (this.applied > from) this.#hooks.committed(this.applied, count)
  }

  /** Applies a batch of consecutive commands of one term from `first`; returns how many. */
  #flush(batch: C[], first: Version, term: Term): number {
    if (batch.length === 0) return 0
    this.#run(batch, { term, firstIndex: first, lastIndex: first + batch.length - 1 })
    this.applied = first + batch.length - 1
    return batch.length
  }

  #run(batch: C[], ctx: ApplyContext): void {
    try {
      if (this.#sm.applyBatch) this.#sm.applyBatch(batch, ctx)
      else
        for (let i = 0; i < batch.length; i++) {
          const index = ctx.firstIndex + i
          this.#sm.apply(batch[i] as C, { term: ctx.term, firstIndex: index, lastIndex: index })
        }
    } catch (err) {
      console.error(`mosaik-react: the state machine of group ${this.#name} threw in apply`, err)
    }
  }
}
