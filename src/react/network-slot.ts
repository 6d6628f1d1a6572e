import { MosaikError } from '../core/errors.js'
import type { Network } from '../network/network.js'

/** `NetworkProvider` could not start its network; `cause` is what `Network.create` threw. */
export class NetworkStartError extends MosaikError {
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    super(
      'react/network-start-failed',
      `NetworkProvider could not start its network: ${detail}. Check the provider's options (transport, listen, bootstrap); render an errorFallback to let the user retry.`,
      { cause },
    )
    this.name = 'NetworkStartError'
  }
}

/** Where a provider's own network stands. */
export type NetworkSlotState =
  | { readonly status: 'starting'; readonly network: undefined; readonly error: undefined }
  | { readonly status: 'ready'; readonly network: Network; readonly error: undefined }
  | { readonly status: 'error'; readonly network: undefined; readonly error: NetworkStartError }

const STARTING: NetworkSlotState = Object.freeze({ status: 'starting', network: undefined, error: undefined })

interface Lease {
  readonly key: string
  refs: number
  network: Network | undefined
  disposed: boolean
  stopTimer: ReturnType<typeof setTimeout> | undefined
}

/**
 * The network one `NetworkProvider` owns, ref-counted so that React StrictMode's
 * mount/unmount/mount reuses it: the last `release` only schedules the stop (a macrotask
 * later), and an `acquire` of the same key in between cancels it. A different key (options
 * with different content) starts a new network; the old one stops once released. A network
 * that finishes starting after its lease was disposed is stopped at once, so none leaks.
 */
export class NetworkSlot {
  #lease: Lease | undefined
  #state: NetworkSlotState = STARTING
  #listeners = new Set<() => void>()
  #ready: { promise: Promise<Network>; resolve(n: Network): void; reject(e: unknown): void } | undefined

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  readonly getState = (): NetworkSlotState => this.#state

  /** Resolves with the network once started; rejects with the start error. For Suspense. */
  readonly ready = (): Promise<Network> => {
    if (this.#state.status === 'ready') return Promise.resolve(this.#state.network)
    if (!this.#ready) {
      let resolve!: (n: Network) => void
      let reject!: (e: unknown) => void
      const promise = new Promise<Network>((res, rej) => {
        resolve = res
        reject = rej
      })
      // Suspense attaches its own handlers; nobody else may be listening to the rejection.
      promise.catch(() => {})
      this.#ready = { promise, resolve, reject }
      if (this.#state.status === 'error') reject(this.#state.error)
    }
    return this.#ready.promise
  }

  /** Holds the network for `key`, creating it if needed; returns the release function. */
  acquire(key: string, create: () => Promise<Network>): () => void {
    let lease = this.#lease
    if (lease && lease.key === key && !lease.disposed) {
      lease.refs++
      if (lease.stopTimer !== undefined) {
        clearTimeout(lease.stopTimer)
        lease.stopTimer = undefined
      }
    } else {
      const fresh: Lease = { key, refs: 1, network: undefined, disposed: false, stopTimer: undefined }
      lease = fresh
      this.#lease = fresh
      this.#set(STARTING)
      let creating: Promise<Network>
      try {
        creating = create()
      } catch (err) {
        creating = Promise.reject(err)
      }
      creating.then(
        (network) => {
          if (fresh.disposed) return void stopQuietly(network)
          fresh.network = network
          if (this.#lease === fresh) this.#set({ status: 'ready', network, error: undefined })
        },
        (err: unknown) => {
          if (this.#lease === fresh && !fresh.disposed) {
            this.#set({ status: 'error', network: undefined, error: new NetworkStartError(err) })
          }
        },
      )
    }
    const held = lease
    let released = false
    return () => {
      if (released) return
      released = true
      if (--held.refs > 0) return
      held.stopTimer = setTimeout(() => this.#dispose(held), 0)
    }
  }

  #dispose(lease: Lease): void {
    lease.stopTimer = undefined
    if (lease.refs > 0 || lease.disposed) return
    lease.disposed = true
    if (this.#lease === lease) {
      this.#lease = undefined
      this.#set(STARTING)
    }
    if (lease.network) stopQuietly(lease.network)
  }

  #set(state: NetworkSlotState): void {
    if (state === this.#state) return
    const ready = this.#ready
    if (state.status === 'ready') {
      this.#ready = undefined
      ready?.resolve(state.network)
    } else if (state.status === 'error') {
      this.#ready = undefined
      ready?.reject(state.error)
    }
    this.#state = state
    for (const l of [...this.#listeners]) l()
  }
}

function stopQuietly(network: Network): void {
  // Nobody awaits an owned network's stop; report instead of leaving an unhandled rejection.
  network.stop().catch((err: unknown) => console.error('mosaik-react: stopping the network failed', err))
}
