import { afterAll } from 'vitest'

/**
 * Setup for every test file (vitest.config.ts `setupFiles`). Under happy-dom, libp2p's
 * queues (it-queue) extend happy-dom's `EventTarget` and debounce their `empty`/`idle`
 * events on timers; libp2p can leave such timers for a while after `stop()`. One that fires
 * after vitest tore happy-dom down builds Node's `CustomEvent`, which happy-dom refuses with
 * "parameter 1 is not of type 'Event'": an uncaught error after every test of the file has
 * passed, more likely on a loaded machine. Once the file's tests are done, that refusal (and
 * only it) is dropped: nothing listens to those events any more.
 */
afterAll(() => {
  if (typeof window === 'undefined' || typeof globalThis.EventTarget !== 'function') return
  const proto = globalThis.EventTarget.prototype
  const dispatch = proto.dispatchEvent
  proto.dispatchEvent = function (this: EventTarget, event: Event): boolean {
    try {
      return dispatch.call(this, event)
    } catch (err) {
      if (err instanceof TypeError && err.message.includes("parameter 1 is not of type 'Event'")) return false
      throw err
    }
  }
})
