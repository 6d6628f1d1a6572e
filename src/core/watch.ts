import { ClosedError, TimeoutError } from './errors.js'

/**
 * A value that changes over time and tells who is watching: this codebase's
 * `tokio::sync::watch`. `set` with an `Object.is`-equal value is a no-op, so
 * subscribers fire only on real changes. Its `subscribe`/`get` pair satisfies
 * React's `useSyncExternalStore` contract.
 */
export class Watch<T> {
  #value: T
  #listeners = new Set<(value: T) => void>()
  #closed = false

  constructor(initial: T) {
    this.#value = initial
  }

  get(): T {
    return this.#value
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Replaces the value and notifies listeners if it changed. Returns whether it changed. */
  set(value: T): boolean {
    if (this.#closed || Object.is(value, this.#value)) return false
    this.#value = value
    for (const l of [...this.#listeners]) l(value)
    return true
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  get listenerCount(): number {
    return this.#listeners.size
  }

  /**
   * Resolves with the first value (current included) that satisfies `predicate`.
   * Rejects with `TimeoutError` naming `what` after `timeoutMs`, with `ClosedError`
   * when the watch closes, or with the signal's reason when aborted.
   */
  waitFor(
    predicate: (value: T) => boolean,
    opts: { what: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<T> {
    if (predicate(this.#value)) return Promise.resolve(this.#value)
    if (this.#closed) return Promise.reject(new ClosedError(opts.what))
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const cleanup = () => {
        unsub()
        this.#closers.delete(onClose)
        if (timer !== undefined) clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
      }
      const unsub = this.subscribe((v) => {
        if (predicate(v)) {
          cleanup()
          resolve(v)
        }
      })
      const onClose = () => {
        cleanup()
        reject(new ClosedError(opts.what))
      }
      const onAbort = () => {
        cleanup()
        reject(opts.signal?.reason)
      }
      this.#closers.add(onClose)
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          cleanup()
          reject(new TimeoutError(opts.what, opts.timeoutMs as number))
        }, opts.timeoutMs)
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  #closers = new Set<() => void>()

  /** Stops all notifications; pending `waitFor`s reject with `ClosedError`. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#listeners.clear()
    for (const c of [...this.#closers]) c()
  }
}

/** A tiny typed event emitter: `on` returns its own unsubscribe. */
export class Emitter<E> {
  #listeners = new Set<(event: E) => void>()

  on(listener: (event: E) => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  emit(event: E): void {
    if (this.#listeners.size === 0) return
    for (const l of [...this.#listeners]) {
      try {
        l(event)
      } catch (err) {
        // A listener's bug must not break the emitter or the other listeners.
        console.error('mosaik-react: an event listener threw', err)
      }
    }
  }

  get size(): number {
    return this.#listeners.size
  }

  clear(): void {
    this.#listeners.clear()
  }
}
