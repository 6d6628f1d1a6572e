import type { PeerId } from '../../core/id.js'
import type { BondMessage } from '../bond/messages.js'
import { FlushPolicy } from '../flush-policy.js'
import type { LogCommand } from '../log-command.js'
import { nextTurn } from '../next-turn.js'
import { StrictModeViolation } from '../raft/index.js'
import { MAX_TERM_JUMP, termJumpAllowed } from '../raft/limits.js'
import type { Ready } from '../raft/types.js'
import { tickMs } from '../raft-config.js'
import { ReadyOutbox } from '../ready-outbox.js'
import type { MemberParts } from './parts.js'

/**
 * Inputs coalesce into one drain per microtask turn, proposals into one per event-loop turn;
 * past this many undrained inputs the driver drains at once, which bounds the batch and the
 * work any one turn holds back.
 */
const MAX_UNDRAINED_INPUTS = 512

/** What the Ready loop hands back to the member. */
export interface ReadyLoopHost {
  /** Steps 2 to 5 of a Ready (send, roll back, apply, answer), once its writes are durable. */
  effects(rd: Ready<LogCommand>): void
  /**
   * After every drain (`checkpoint` true: compact, checkpoint, publish) and after effects held
   * for durable writes ran (`checkpoint` false: compact, publish).
   */
  drained(checkpoint: boolean): void
}

/**
 * The member's Ready loop (docs/ARCHITECTURE.md "Groups"): every input (a tick, a bond
 * message, a proposal) is stepped into the pure core, and the core's output is handled in
 * the order it asks: persist, then (once durable) the effects.
 */
export class ReadyLoop {
  readonly #m: MemberParts
  /** Ready effects (send, apply, answer) waiting for storage writes to become durable (IndexedDB). */
  readonly #outbox: ReadyOutbox
  readonly #host: ReadyLoopHost
  #draining = false
  /** Inputs stepped into the core since the last drain; > 0 means a drain is scheduled. */
  #undrained = 0
  #microtaskDrain = false
  #turnDrain = false
  /** A lone caller's proposal is flushed in a microtask (`FlushPolicy`). */
  #eagerDrain = false
  /** While a leaving follower waits to learn a commit (`learnCommit`): asked after each drain. */
  #learning: { readonly check: () => void; readonly done: Promise<void> } | undefined
  /** `learnCommit` waits once: a later `leave()` must not wait on timers the first one cleared. */
  #learnt = false
  /** When callers' proposals leave; the member counts its calls in flight on it. */
  readonly calls = new FlushPolicy()

  constructor(parts: MemberParts, host: ReadyLoopHost) {
    this.#m = parts
    this.#host = host
    this.#outbox = new ReadyOutbox(
      parts.storage,
      () => parts.closed,
      () => host.drained(false),
    )
  }

  /**
   * Before the member leaves: runs the effects held for durable writes once the store is
   * durable (synchronous, and undefined, when nothing is pending).
   */
  settle(): Promise<void> | undefined {
    return this.#outbox.settle()
  }

  /**
   * Before a follower leaves: when it holds entries past the commit index it knows (a write
   * the leader has just committed, whose notice comes on the leader's next turn), it waits up
   * to two ticks to learn that commit, so its store shows every write it helped acknowledge.
   * Undefined when there is nothing to learn or no leader to learn it from, and after the
   * first wait ended.
   */
  learnCommit(): Promise<void> | undefined {
    const m = this.#m
    if (this.#learning) return this.#learning.done
    if (this.#learnt) return undefined
    this.#learnt = true
    const s = m.core.status()
    if (m.closed || s.role !== 'follower' || s.leader === undefined || s.commit >= s.lastIndex) return undefined
    const target = s.lastIndex
    let finish!: () => void
    const done = new Promise<void>((resolve) => {
      finish = () => {
        m.timers.cancel(timer)
        this.#learning = undefined
        resolve()
      }
    })
    const timer = m.timers.after(2 * tickMs(m.consensus), finish)
    this.#learning = {
      check: () => {
        if (m.closed || m.core.status().commit >= target) finish()
      },
      done,
    }
    return done
  }

  input(fn: () => void): void {
    if (this.#m.closed) return
    fn()
    this.schedule()
  }

  /** A bond message: a raft message goes to the core (if its term is believable), a sync message to sync. */
  message(peer: PeerId, m: BondMessage): void {
    const parts = this.#m
    if (parts.closed) return
    if (m.type === 'raft') {
      const raft = m.m
      if (raft.term > MAX_TERM_JUMP && !termJumpAllowed(parts.core.status().term, raft.term)) {
        parts.telemetry.refused(peer, 'term-jump', `term ${raft.term} is too far past ours`)
        return
      }
      if (raft.type === 'appendEntries') parts.sync.buffer(raft)
      this.input(() => {
        try {
          parts.core.step(raft)
        } catch (err) {
          // The core refused before changing anything; the peer is cut off and reported.
          if (!(err instanceof StrictModeViolation)) throw err
          parts.telemetry.refused(peer, 'protocol', err.message)
          parts.bonds.drop(peer, 'protocol', err.message)
        }
      })
    } else if (m.type === 'sync') parts.sync.message(peer, m.m)
  }

  /** Runs a caller's call, counted in flight (`FlushPolicy`: when its proposal leaves). */
  track<T>(call: () => Promise<T>): Promise<T> {
    this.calls.begin()
    const p = call()
    // Counted down beside the caller's continuation, not before it (`finally` would add turns).
    const end = () => this.calls.end()
    p.then(end, end)
    return p
  }

  /**
   * A caller's proposal or read: on the leader, at once when it is the only call in flight
   * (`FlushPolicy`); else with the turn's (`schedule(true)`). A follower's forward keeps the
   * turn: sent at once, forwards of a writer that had just caught up went unanswered in the
   * catch-up tests (cause not found yet), so followers keep the timing they had.
   */
  proposal(): void {
    if (this.#m.closed) return
    const leading = this.#m.core.status().role === 'leader'
    if (this.#turnDrain || this.#eagerDrain || !leading || !this.calls.eager()) {
      this.schedule(true)
      return
    }
    this.#eagerDrain = true
    queueMicrotask(() => {
      this.#eagerDrain = false
      this.drain(true)
    })
  }

  /**
   * Batching. Inputs (messages, ticks) run the Ready loop once per microtask turn, after all
   * inputs of that turn: this costs a message no real delay. Callers' proposals (`nextTurn`)
   * wait for the event loop to come round, so every write started in this turn (each writer's
   * own callback) leaves in one proposal, one forward and one AppendEntries. `nextTurn` is not
   * a timer, so a lone write waits only for the loop; and as the loop does come round, timers
   * keep firing under a write loop on the memory transport (findings §4). A lone write on the
   * leader skips the turn (`proposal`), at most `MAX_EAGER_PER_TURN` times per turn.
   */
  schedule(nextTurnOnly = false): void {
    if (this.#m.closed) return
    if (nextTurnOnly) {
      // Even while draining: the loop under way does not propose what the client queued.
      if (this.#turnDrain) return
      this.#turnDrain = true
      nextTurn(() => {
        this.#turnDrain = false
        this.drain(true)
      })
      return
    }
    if (this.#draining) return
    if (++this.#undrained > MAX_UNDRAINED_INPUTS) {
      this.drain()
      return
    }
    if (this.#microtaskDrain) return
    this.#microtaskDrain = true
    queueMicrotask(() => {
      this.#microtaskDrain = false
      this.drain()
    })
  }

  /** `proposals`: also propose the calls queued for this turn (see `schedule`). */
  drain(proposals = false): void {
    const m = this.#m
    if (this.#draining || m.closed) return
    if (proposals) {
      this.calls.flushed(m.client.flush())
      m.core.announceCommit()
    }
    this.#undrained = 0
    this.#draining = true
    try {
      for (;;) {
        while (m.core.hasReady()) this.#handle(m.core.ready())
        // Followers hear of a new commit on the next turn (below), where the next write may
        // carry it, so the notice's sends do not stand between a local write and its caller.
        // A follower whose forwarded write it completes waits for it: it hears of it at once,
        // unless proposals already wait for this member's next turn (a busy leader), whose
        // AppendEntries carry it then instead of a heartbeat per drain.
        if (!m.core.commitAwaited() || this.#turnDrain) break
        m.core.announceCommit()
      }
    } finally {
      this.#draining = false
    }
    this.#host.drained(true)
    this.#learning?.check()
    // Followers hear of the deferred commit on the next turn, with what was written meanwhile.
    if (m.core.commitNoticeDue()) this.schedule(true)
  }

  /**
   * The core's clock. The first tick comes after a random part of a tick, so members that
   * join in the same instant do not tick in phase (their election timers, drawn in whole
   * ticks, would otherwise fire together and split the vote).
   */
  tick(first = false): void {
    const m = this.#m
    if (m.closed) return
    const ms = tickMs(m.consensus)
    m.timers.after(first ? Math.random() * ms : ms, () => {
      this.input(() => m.core.tick())
      this.tick()
    })
  }

  #handle(rd: Ready<LogCommand>): void {
    const storage = this.#m.storage
    // 1. Persist before anything that depends on it leaves this process (Raft §5, Figure 2).
    if (storage.saveReady) storage.saveReady(rd.truncateFrom, rd.entries, rd.hardState)
    else {
      if (rd.truncateFrom !== undefined) storage.truncateFrom(rd.truncateFrom)
      if (rd.entries.length > 0) storage.append(rd.entries)
      if (rd.hardState) storage.saveHardState(rd.hardState)
    }
    // A store whose writes complete later (IndexedDB): the rest waits until they are durable.
    this.#outbox.run(() => this.#host.effects(rd))
    this.#m.core.advance()
  }
}
