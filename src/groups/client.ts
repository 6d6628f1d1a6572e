import type { Clock } from '../core/clock.js'
import { EncodingError, encode } from '../core/codec.js'
import { DEFAULT_MAX_FRAME_SIZE } from '../core/framing.js'
import type { PeerId } from '../core/id.js'
import type { Watch } from '../core/watch.js'
import { GroupError } from './errors.js'
import type { LogCommand } from './log-command.js'
import type { Answer, AnswerWait, Pending } from './pending.js'
import type { RaftCore } from './raft/types.js'
import { MAX_CALL_COMMANDS } from './raft-config.js'
import type { CallOptions, GroupState, IndexRange } from './types.js'

/** Room left in a frame for the envelope around one command. */
export const MAX_COMMAND_BYTES = DEFAULT_MAX_FRAME_SIZE - 4096
/** Default bound of one call, ms. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000
/** Per-command envelope allowance when calls share one proposal (tag, CBOR framing). */
const ENVELOPE_BYTES = 128

/** A call waiting for the next `flush` to propose its commands with the others of the turn. */
interface Queued {
  readonly envelopes: LogCommand[]
  /** Where its slice of the proposal's answer goes. */
  readonly wait: AnswerWait
  /** The call stopped waiting (answered, timed out, aborted or closed). */
  ended: boolean
  /** Set by `flush`: tells the batch this call stopped waiting. */
  onEnd?: () => void
}

/** What the client half of a member needs. */
export interface ClientHost {
  readonly peerId: PeerId
  readonly core: RaftCore<LogCommand>
  readonly pending: Pending
  readonly state: Watch<GroupState>
  readonly clock: Clock
  /** Pause between retries of a refused proposal, ms. */
  readonly retryMs: number
  /** Handle the core's output after an input (soon: the driver batches a turn's inputs). */
  drain(): void
  closed(): boolean
  /** The state machine's `encodeCommand`, when it has one: `encode` for its commands, faster. */
  readonly encodeCommand?: ((command: unknown) => Uint8Array) | undefined
  /** Why no leader is reachable, in words (`1 of 3 voters reachable; strict mode needs 2`), for `offline` errors. */
  explain?(): string
}

/**
 * The caller's side of a member (mosaik `Group::feed_many` / strong `query`): encodes
 * commands once, waits for a reachable leader, proposes (the core forwards to the leader
 * when following) and retries while nothing was appended, all within one deadline.
 *
 * One bound per call: the deadline set when the call started (`CallOptions.timeout`). Each
 * step waits at most what is left of it (one timer at a time), and a batched proposal has no
 * timer of its own: it stops waiting when the last of its calls did. The timeout's error is a
 * `GroupError('offline')` with `timedOut` set, which collections report as their write timeout.
 */
export class Client {
  readonly #host: ClientHost
  readonly #instance = Math.random().toString(36).slice(2, 10)
  #seq = 0
  #queue: Queued[] = []
  #queuedBytes = 0
  #queuedCommands = 0

  constructor(host: ClientHost) {
    this.#host = host
  }

  /** When the call must be over; a `timeout` that is not a number of ms (0 or more) is a `RangeError`. */
  deadline(options: CallOptions): number {
    return this.#host.clock.now() + checkTimeout(options.timeout, 'CallOptions.timeout', DEFAULT_CALL_TIMEOUT_MS)
  }

  remaining(deadline: number): number {
    return Math.max(0, deadline - this.#host.clock.now())
  }

  /** Resolves with the assigned indices and the tag the entries carry. */
  async feed(
    commands: readonly unknown[],
    options: CallOptions,
    deadline: number,
  ): Promise<{ range: IndexRange; tag: string }> {
    const h = this.#host
    if (h.closed()) throw new GroupError('closed', 'the group was left')
    if (commands.length === 0) throw new GroupError('encoding', 'no commands to execute')
    if (commands.length > MAX_CALL_COMMANDS)
      throw new GroupError(
        'encoding',
        `a call of ${commands.length} commands exceeds the limit of ${MAX_CALL_COMMANDS}; split it into several calls`,
      )
    const tag = `${this.#instance}:${++this.#seq}`
    let envelopes: LogCommand[]
    const encodeCommand = h.encodeCommand ?? encode
    try {
      envelopes = commands.map((c) => {
        const b = encodeCommand(c)
        if (b.length > MAX_COMMAND_BYTES)
          throw new EncodingError(`a command of ${b.length} bytes exceeds the limit of ${MAX_COMMAND_BYTES}`)
        return { t: 'cmd', b, o: tag }
      })
    } catch (cause) {
      throw new GroupError('encoding', cause instanceof EncodingError ? cause.message : String(cause), { cause })
    }
    for (;;) {
      // A leader in reach now: no wait (an `await` costs the call turns even when it is settled).
      if (!this.#leaderReachable()) await this.#waitLeader(deadline, options.signal)
      const result = await this.#enqueue(envelopes, this.remaining(deadline), options.signal)
      if (result.indices && result.indices.length > 0) {
        const first = result.indices[0] as number
        return { range: { first, last: result.indices[result.indices.length - 1] as number }, tag }
      }
      // Nothing was appended: wait for a (new) leader and try again within the deadline.
      if (result.reason !== 'noLeader' && result.reason !== 'notLeader')
        throw new GroupError('offline', `the leader did not answer (${result.reason}); the commands may still commit`)
      await h.pending.sleep(Math.min(this.remaining(deadline), h.retryMs))
    }
  }

  /**
   * Feeds `commands` and resolves with their range once the local replica applied them. Plain
   * promise callbacks, not `await`s: the caller resumes one microtask after the apply, not
   * several. On one machine every turn taken here is one the followers' work runs in.
   */
  execute(commands: readonly unknown[], options: CallOptions, deadline: number): Promise<IndexRange> {
    return new Promise((resolve, reject) => {
      this.feed(commands, options, deadline).then(({ range, tag }) => {
        const ms = this.remaining(deadline)
        this.#host.pending.applied(range.last, tag, ms, options.signal).then(() => resolve(range), reject)
      }, reject)
    })
  }

  /**
   * Proposes every call queued since the last flush as one proposal (one `forwardCommand` from a
   * follower, one append on the leader) and hands each call its slice of the answer. The driver
   * calls it at the start of each drain. Returns how many calls it proposed.
   */
  flush(): number {
    const batch = this.#queue
    if (batch.length === 0) return 0
    this.#queue = []
    this.#queuedBytes = 0
    this.#queuedCommands = 0
    const h = this.#host
    const id = h.core.propose(batch.flatMap((q) => q.envelopes))
    // No timer of its own: the batch stops waiting once every call in it did (each is bounded).
    let open = batch.filter((q) => !q.ended).length
    const ended = () => {
      if (--open === 0) h.pending.settle(id, { indices: undefined })
    }
    h.pending.outcome(id, undefined).then(
      (answer) => {
        let at = 0
        for (const q of batch) {
          const n = q.envelopes.length
          const part: Answer = answer.indices
            ? { indices: answer.indices.slice(at, at + n) }
            : { indices: undefined, ...(answer.reason ? { reason: answer.reason } : {}) }
          at += n
          q.wait.answered(part)
        }
      },
      // Close: every call's own wait was rejected too.
      () => {},
    )
    if (open === 0) h.pending.settle(id, { indices: undefined })
    else for (const q of batch) if (!q.ended) q.onEnd = ended
    return batch.length
  }

  /** Queue `envelopes` for this turn's proposal; resolves with their answer. */
  #enqueue(envelopes: LogCommand[], ms: number, signal?: AbortSignal): Promise<Answer> {
    const h = this.#host
    const bytes = envelopes.reduce((sum, e) => sum + (e.t === 'cmd' ? e.b.length : 0) + ENVELOPE_BYTES, 0)
    // One forwardCommand must fit in a frame and hold at most `MAX_CALL_COMMANDS`: a call that
    // would overflow the batch sends it first.
    if (
      this.#queue.length > 0 &&
      (this.#queuedBytes + bytes > MAX_COMMAND_BYTES || this.#queuedCommands + envelopes.length > MAX_CALL_COMMANDS)
    )
      this.flush()
    const wait = h.pending.answerWait(ms, signal)
    const queued: Queued = { envelopes, wait, ended: false }
    const end = () => {
      queued.ended = true
      queued.onEnd?.()
    }
    wait.promise.then(end, end)
    this.#queue.push(queued)
    this.#queuedBytes += bytes
    this.#queuedCommands += envelopes.length
    h.drain()
    return wait.promise
  }

  /** Raft §8 ReadIndex: resolves once the local replica applied the leader's commit point. */
  async readBarrier(options: CallOptions): Promise<void> {
    const h = this.#host
    const deadline = this.deadline(options)
    for (;;) {
      await this.#waitLeader(deadline, options.signal)
      const outcome = h.pending.outcome(h.core.readIndex(), this.remaining(deadline), options.signal)
      h.drain()
      const read = await outcome
      if (read.index !== undefined) {
        await h.pending.applied(read.index, undefined, this.remaining(deadline), options.signal)
        return
      }
      if (read.reason !== 'noLeader' && read.reason !== 'notLeader')
        throw new GroupError('offline', `strong read not confirmed (${read.reason})`)
      await h.pending.sleep(Math.min(this.remaining(deadline), h.retryMs))
    }
  }

  /** Whether a leader is in reach: this member, or one it is bonded with. */
  #leaderReachable(): boolean {
    const h = this.#host
    return !h.closed() && reachable(h.state.get(), h.peerId)
  }

  /** Resolves when a leader is reachable; rejects `offline` at the deadline. */
  #waitLeader(deadline: number, signal?: AbortSignal): Promise<void> {
    const h = this.#host
    if (h.closed()) return Promise.reject(new GroupError('closed', 'the group was left'))
    return h.pending
      .until(h.state, (s) => reachable(s, h.peerId), this.remaining(deadline), 'reachable leader', signal)
      .catch((err: unknown) => {
        if (!(err instanceof GroupError) || err.kind !== 'offline' || !h.explain || h.closed()) throw err
        throw new GroupError('offline', `${err.message}: ${h.explain()}`, { cause: err })
      })
  }
}

function reachable(s: GroupState, self: PeerId): boolean {
  return s.leader !== undefined && (s.leader === self || s.bonds.includes(s.leader))
}

/**
 * `ms` when it is a bound a call can keep: a number, 0 or more (`Infinity`: no bound); else
 * `fallback` when it is undefined. Anything else (NaN, negative, not a number) is the app's
 * mistake, not a timeout: a `RangeError` naming `what`.
 */
export function checkTimeout(ms: unknown, what: string, fallback: number): number {
  if (ms === undefined) return fallback
  if (typeof ms !== 'number' || !(ms >= 0))
    throw new RangeError(`${what} must be a number of ms, 0 or more (Infinity for no bound); got ${String(ms)}`)
  return ms
}
