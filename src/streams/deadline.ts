/** Longest delay `setTimeout` takes: a longer one fires at once. About 24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * When a link ends because its peer's ticket expires (mosaik drops such a link at once).
 * Moved when the peer's entry brings tickets its validators grant for longer, and cleared
 * when they grant them for ever. `expired` runs at most once per time set.
 */
export class TicketDeadline {
  readonly #expired: () => void
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(expired: () => void) {
    this.#expired = expired
  }

  /** Ends the link at `at` (ms since the epoch), or never when undefined; replaces the time set before. */
  set(at: number | undefined): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (at !== undefined) this.#arm(at)
  }

  /** A timer waits at most MAX_TIMER_MS: an expiry further off takes several. */
  #arm(at: number): void {
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        if (Date.now() < at) this.#arm(at)
        else this.#expired()
      },
      Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS),
    )
  }
}
