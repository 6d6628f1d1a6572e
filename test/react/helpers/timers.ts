/**
 * libp2p debounces some queue events by 1 ms (it-queue). Such a timer still pending when
 * vitest tears happy-dom down fires against the restored Node globals and throws ("parameter
 * 1 is not of type 'Event'"): a loaded machine widens that window. Node runs timers in order
 * of expiry, so a timer set after the networks stopped, and longer than theirs, runs after
 * every one of them; a second round covers timers those set. Await this before teardown.
 */
export async function afterPendingTimers(): Promise<void> {
  for (let round = 0; round < 2; round++) await new Promise((resolve) => setTimeout(resolve, 20))
}
