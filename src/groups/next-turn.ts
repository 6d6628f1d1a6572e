/**
 * Runs a callback on the next turn of the event loop: after every callback already queued for
 * this turn (so work from many of them can be batched), yet without a timer's clamped delay.
 * Node: `setImmediate`; browsers: a `MessageChannel` message. Captured at load, so fake timers a
 * test installs later (which replace `setImmediate`) cannot hold the group driver back.
 */
export let nextTurn: (fn: () => void) => void = pick()

/**
 * Test seam: the deterministic driver simulator (test/groups/sim/driver) runs the driver's next
 * turns from its own scheduler instead of the event loop. Returns a function that restores the
 * previous one.
 */
export function setNextTurn(fn: (fn: () => void) => void): () => void {
  const previous = nextTurn
  nextTurn = fn
  return () => {
    nextTurn = previous
  }
}

function pick(): (fn: () => void) => void {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate
  if (typeof immediate === 'function') return (fn) => void immediate(fn)
  if (typeof MessageChannel === 'function') {
    const queue: (() => void)[] = []
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      for (const fn of queue.splice(0)) fn()
    }
    return (fn) => {
      if (queue.push(fn) === 1) channel.port2.postMessage(undefined)
    }
  }
  return (fn) => void setTimeout(fn, 0)
}
