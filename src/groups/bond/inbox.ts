import type { RejectReason } from '../../core/errors.js'
import type { Channel } from '../../network/types.js'
import type { Timers } from '../timers.js'

/** Why a handshake or bond ended before it was usable. `reason` is sent as the close reason. */
export class BondFailure extends Error {
  readonly reason: RejectReason | 'timeout' | 'closed'
  constructor(reason: RejectReason | 'timeout' | 'closed', detail: string) {
    super(detail)
    this.name = 'BondFailure'
    this.reason = reason
  }
}

/**
 * Pull-style reading of a channel during the handshake: `next()` resolves with the next
 * frame, or rejects with `BondFailure` on close or timeout. `release()` hands the channel
 * over to a push listener (frames still queued are returned).
 */
export class Inbox {
  readonly #queue: unknown[] = []
  #waiter: { resolve: (m: unknown) => void; reject: (e: BondFailure) => void } | undefined
  #closed: BondFailure | undefined
  /**
   * Sees each frame as it arrives, before it is queued or handed to `next()`'s caller (whose
   * continuation runs only after the rest of the transport chunk was delivered).
   */
  onArrival: ((m: unknown) => void) | undefined
  readonly #unsubs: (() => void)[]

  constructor(channel: Channel) {
    this.#unsubs = [
      channel.onMessage((m) => {
        this.onArrival?.(m)
        const w = this.#waiter
        if (w) {
          this.#waiter = undefined
          w.resolve(m)
        } else this.#queue.push(m)
      }),
      channel.onClose((info) => {
        this.#closed = new BondFailure('closed', `channel closed (${info.by}${info.reason ? `: ${info.reason}` : ''})`)
        const w = this.#waiter
        this.#waiter = undefined
        w?.reject(this.#closed)
      }),
    ]
  }

  next(timers: Timers, ms: number, what: string): Promise<unknown> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift())
    if (this.#closed) return Promise.reject(this.#closed)
    return new Promise((resolve, reject) => {
      const timer = timers.after(ms, () => {
        this.#waiter = undefined
        reject(new BondFailure('timeout', `no ${what} within ${ms} ms`))
      })
      this.#waiter = {
        resolve: (m) => {
          timers.cancel(timer)
          resolve(m)
        },
        reject: (e) => {
          timers.cancel(timer)
          reject(e)
        },
      }
    })
  }

  /** Stops listening; returns frames that arrived but were not read. */
  release(): unknown[] {
    for (const u of this.#unsubs) u()
    const w = this.#waiter
    this.#waiter = undefined
    w?.reject(new BondFailure('closed', 'handshake abandoned'))
    return this.#queue.splice(0)
  }
}
