import { nextTurn } from './next-turn.js'

/**
 * Most proposals flushed in a microtask before the driver waits for the event loop to come round
 * once: on the memory transport a write loop runs on promise callbacks alone, and timers
 * (heartbeats, elections, write timeouts) must still fire under it.
 */
export const MAX_EAGER_PER_TURN = 8

/**
 * When the driver proposes a caller's write: at once (in a microtask) when it is the only call in
 * flight, or on the next event-loop turn when others are, so that every write started in that
 * turn leaves in one proposal, one forward and one AppendEntries. A lone write then costs no
 * event-loop turn; a busy member still batches.
 */
export class FlushPolicy {
  #inFlight = 0
  #eager = 0
  #resetQueued = false
  /** Calls the last flush proposed together. */
  #lastBatch = 0

  /** Calls between `begin` and `end` count as in flight (from the call until it resolves). */
  begin(): void {
    this.#inFlight++
  }

  end(): void {
    this.#inFlight--
  }

  /** The driver proposed `calls` calls together. */
  flushed(calls: number): void {
    if (calls > 0) this.#lastBatch = calls
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.#inFlight
  }

  /**
   * True: flush in a microtask. Only for the single call in flight when the last flush carried one
   * call too (a busy member, whose calls resolve together and start again together, keeps
   * batching them), and at most `MAX_EAGER_PER_TURN` times before an event-loop turn has passed.
   */
  eager(): boolean {
    if (this.#inFlight > 1 || this.#lastBatch > 1 || this.#eager >= MAX_EAGER_PER_TURN) return false
    this.#eager++
    if (!this.#resetQueued) {
      this.#resetQueued = true
      nextTurn(() => {
        this.#resetQueued = false
        this.#eager = 0
      })
    }
    return true
  }
}
