import { CellError, type CellErrorDetails, type CellErrorReason } from '../core/errors.js'
import { describeReachability, noWriterReachable, type Reachability } from '../groups/reachability.js'
import type { Group } from '../groups/types.js'

/** Election timeouts without any reachable writer before a reader reports `noWriter`. */
export const NO_WRITER_TIMEOUTS = 3

/**
 * Tells a reader, within a bounded time, that no writer is reachable: `noWriter` turns
 * true once the member has had no reachable leader and no bonded voting member for
 * `windowMs` (by default `NO_WRITER_TIMEOUTS` election timeouts plus the bootstrap delay),
 * and false again as soon as one is. Members that may lead themselves never report it.
 * `check()` runs on every group change; one timer at most, cleared by `close()`.
 */
export class WriterWatch {
  readonly #group: Group<unknown>
  readonly #windowMs: number
  readonly #changed: () => void
  #timer: ReturnType<typeof setTimeout> | undefined
  #noWriter = false
  #closed = false

  constructor(group: Group<unknown>, windowMs: number, changed: () => void) {
    this.#group = group
    this.#windowMs = windowMs
    this.#changed = changed
  }

  get noWriter(): boolean {
    return this.#noWriter
  }

  check(): void {
    if (this.#closed) return
    if (this.#missing()) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined
        if (this.#closed || !this.#missing()) return
        this.#noWriter = true
        this.#changed()
      }, this.#windowMs)
      return
    }
    this.#clearTimer()
    if (this.#noWriter) {
      this.#noWriter = false
      this.#changed()
    }
  }

  close(): void {
    this.#closed = true
    this.#clearTimer()
  }

  #missing(): boolean {
    if (this.#group.getSnapshot().online) return false
    const r = this.#group.reachability?.()
    return r !== undefined && noWriterReachable(r)
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

/** Why a write cannot commit, from what the member reaches: the `reason` of an `offline` CellError. */
export function offlineReason(r: Reachability): CellErrorReason {
  if (r.leaderReachable) return 'no-commit'
  if (noWriterReachable(r)) return 'no-writer'
  if (r.strict && r.voters < Math.floor(r.minVoters / 2) + 1) return 'no-quorum'
  return 'no-leader'
}

/**
 * An `offline` CellError that says why: `offline: 1 of 3 voters reachable; strict mode needs 2
 * (no commit within 10000 ms, the write timeout)`, with `reason` and `details` (`waitedMs`:
 * the bound that ran out, when one did). Without reachability (a stand-in group) it keeps
 * `what` as the message.
 */
export function offlineError<V>(
  group: Group<unknown>,
  value: V,
  what: string,
  cause?: unknown,
  waitedMs?: number,
): CellError<V> {
  const r = group.reachability?.()
  if (!r) return new CellError('offline', what, value, { cause })
  const details: CellErrorDetails = {
    voters: r.voters,
    knownVoters: r.knownVoters,
    needed: r.needed,
    strict: r.strict,
    minVoters: r.minVoters,
    leader: r.leader,
    leaderReachable: r.leaderReachable,
    ...(waitedMs !== undefined && { waitedMs }),
  }
  return new CellError('offline', `offline: ${describeReachability(r)} (${what})`, value, {
    cause,
    reason: offlineReason(r),
    details,
  })
}
