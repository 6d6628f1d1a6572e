import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deferred, withTimeout } from '../../src/core/async.js'
import { bound } from '../helpers/bounds.js'
import { allKnowEachOther, Nets, until } from './helpers.js'

/**
 * Tracks every timer scheduled while a test runs, with the stack that made it, so the
 * test can tell timers of this library (src/) from libp2p's own and prove none is left.
 */
class TimerLedger {
  readonly live = new Map<ReturnType<typeof setTimeout>, string>()
  /** New timers are recorded only while true (the test's own waits are not). */
  tracking = true
  #emptied: Array<() => void> = []
  readonly #set = globalThis.setTimeout
  readonly #clear = globalThis.clearTimeout

  install(): void {
    const realSet = this.#set
    const realClear = this.#clear
    globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      // The frame that called setTimeout: [0] "Error", [1] this wrapper, [2] the caller.
      const stack = (new Error().stack ?? '').split('\n')[2] ?? ''
      const h = realSet(
        (...a: unknown[]) => {
          this.#forget(h)
          fn(...a)
        },
        ms,
        ...args,
      )
      if (this.tracking && (isOurs(stack) || /node_modules\/(libp2p|@libp2p|@chainsafe)\//.test(stack))) {
        this.live.set(h, stack)
      }
      return h
    }) as typeof setTimeout
    globalThis.clearTimeout = ((h: ReturnType<typeof setTimeout>) => {
      this.#forget(h)
      realClear(h)
    }) as typeof clearTimeout
  }

  uninstall(): void {
    globalThis.setTimeout = this.#set
    globalThis.clearTimeout = this.#clear
  }

  /** Call sites of live timers scheduled by this library's own code. */
  ours(): string[] {
    return [...this.live.values()].filter(isOurs)
  }

  /** Resolves when every tracked timer has fired or been cleared. */
  drained(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve()
    const d = deferred<void>()
    this.#emptied.push(d.resolve)
    return d.promise
  }

  #forget(h: ReturnType<typeof setTimeout>): void {
    if (this.live.delete(h) && this.live.size === 0) for (const r of this.#emptied.splice(0)) r()
  }
}

const SRC = new URL('../../src/', import.meta.url).pathname

function isOurs(stackLine: string): boolean {
  return stackLine.includes(SRC)
}

const nets = new Nets()
const ledger = new TimerLedger()
beforeEach(() => ledger.install())
afterEach(async () => {
  ledger.uninstall()
  await nets.stopAll()
})

describe('Network.stop()', () => {
  it('leaves no timers, connections, streams or channels behind, and is idempotent', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    const c = await nets.create({ bootstrap: a.addresses() })
    const all = [a, b, c]
    await until(all, 'three networks to know each other', () => allKnowEachOther(all))
    a.handle('hold', (ch) => ch.onMessage((m) => ch.send(m)))
    const held = await b.openChannel(a.peerId, 'hold')
    held.send('keep me open')
    expect(a.openChannels + b.openChannels).toBeGreaterThan(0)

    const first = a.stop()
    expect(a.stop()).toBe(first)
    await Promise.all([first, b.stop(), c.stop()])
    expect(a.stopped).toBe(true)
    expect(held.isClosed).toBe(true)

    for (const n of all) {
      expect(n.libp2p.status).toBe('stopped')
      expect(n.libp2p.getConnections()).toEqual([])
      expect(n.libp2p.getConnections().flatMap((conn) => conn.streams)).toEqual([])
      expect(n.openChannels).toBe(0)
      expect(n.discovery.catalog().size).toBe(0)
    }
    expect(ledger.ours()).toEqual([])
    // libp2p's own bounded timers (an address-change debounce of 1 s) run out on their own.
    // Only libp2p's own one-shot timers may remain (the address manager's 1 s debounce).
    // They run out by themselves.
    ledger.tracking = false
    await withTimeout(ledger.drained(), bound(3_000), 'libp2p timers left after stop to run out')
    await expect(a.openChannel(b.peerId, 'hold')).rejects.toThrow(/closed/)
    await a.stop()
  })
})
