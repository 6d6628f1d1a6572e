import { groupPlants } from './plants.js'
import type { Storage } from './storage.js'

/**
 * Ready effects (send, apply, answer) held back until the storage's writes are durable: a
 * store whose writes complete later (IndexedDB) exposes `Storage.pending`, and nothing that
 * depends on a write leaves the process before it settles. Effects run in Ready order; with
 * a synchronous store (files, memory) nothing is ever held.
 */
export class ReadyOutbox {
  readonly #storage: Storage
  readonly #closed: () => boolean
  /** Called after held effects ran (the driver compacts and publishes). */
  readonly #ran: () => void
  readonly #held: (() => void)[] = []
  #waiting = false

  constructor(storage: Storage, closed: () => boolean, ran: () => void) {
    this.#storage = storage
    this.#closed = closed
    this.#ran = ran
  }

  /** Runs `effects` now when nothing is pending, else once every write so far is durable. */
  run(effects: () => void): void {
    if ((!this.#storage.pending || groupPlants.sendBeforeDurable) && this.#held.length === 0) {
      effects()
      return
    }
    this.#held.push(effects)
    this.#await()
  }

  /**
   * Before the member leaves: runs what is held once the store is durable. Synchronous (and
   * undefined) when nothing is pending, so a synchronous store's leave stays synchronous.
   */
  settle(): Promise<void> | undefined {
    if (!this.#storage.pending) {
      this.#flush()
      return undefined
    }
    return (async () => {
      for (let p = this.#storage.pending; p; p = this.#storage.pending) await p.catch(() => {})
      this.#flush()
    })()
  }

  #await(): void {
    if (this.#waiting) return
    const pending = this.#storage.pending
    if (!pending) {
      this.#flush()
      return
    }
    this.#waiting = true
    // A failed write was reported by the store (`persist.failed`), which keeps the log in
    // memory from then on: the held effects go out either way.
    const next = () => {
      this.#waiting = false
      if (!this.#closed()) this.#await()
    }
    pending.then(next, next)
  }

  #flush(): void {
    if (this.#held.length === 0) return
    for (const effects of this.#held.splice(0)) effects()
    this.#ran()
  }
}
