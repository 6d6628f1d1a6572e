import type { Connection, IdentifyResult, Libp2p } from '@libp2p/interface'

/** True when `connection` is a WebRTC connection (browser-to-browser / Node, through a relay). */
export function isWebRTC(connection: Connection): boolean {
  return /\/webrtc(\/|$)/.test(connection.remoteAddr.toString())
}

/**
 * Which connections identify has completed on: our identify request was answered, so the other
 * side's half of the connection is up. A WebRTC dial can hang on one side after the other side
 * already counts the connection open (the initiator waits forever for its "init" data channel);
 * that half-open connection carries nothing, and libp2p would reuse it for every dial and stream
 * to the peer. A dialer that waits for identify on it tells the two apart.
 */
export class IdentifiedConnections {
  readonly #libp2p: Libp2p
  /** Ids of open connections identify completed on (removed when they close). */
  readonly #identified = new Set<string>()
  readonly #waiters = new Set<{ connection: Connection; done: (ok: boolean) => void }>()
  readonly #stillborn = new Set<(connection: Connection) => void>()
  #started = false

  constructor(libp2p: Libp2p) {
    this.#libp2p = libp2p
  }

  start(): void {
    if (this.#started) return
    this.#started = true
    this.#libp2p.addEventListener('peer:identify', this.#onIdentify)
    this.#libp2p.addEventListener('connection:close', this.#onClose)
  }

  stop(): void {
    this.#started = false
    this.#libp2p.removeEventListener('peer:identify', this.#onIdentify)
    this.#libp2p.removeEventListener('connection:close', this.#onClose)
    for (const w of [...this.#waiters]) w.done(false)
    this.#identified.clear()
    this.#stillborn.clear()
  }

  /**
   * Calls `listener` when a WebRTC connection without relay limits closes before identify ever
   * completed on it: it died at birth (one side's dial hung, or the peer connection failed as it
   * opened), so whoever waits for it should dial again rather than wait for its dial to time out.
   */
  onStillborn(listener: (connection: Connection) => void): () => void {
    this.#stillborn.add(listener)
    return () => this.#stillborn.delete(listener)
  }

  has(connection: Connection): boolean {
    return this.#identified.has(connection.id)
  }

  /**
   * Resolves true once identify completes on `connection` (at once if it has), false when it
   * does not within `ms`, when the connection closes first, when `signal` aborts or on `stop()`.
   */
  wait(connection: Connection, ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#identified.has(connection.id)) return Promise.resolve(true)
    if (!this.#started || connection.status !== 'open' || signal?.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const waiter = {
        connection,
        done: (ok: boolean) => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          this.#waiters.delete(waiter)
          resolve(ok)
        },
      }
      const onAbort = () => waiter.done(false)
      const timer = setTimeout(() => waiter.done(this.#identified.has(connection.id)), ms)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.add(waiter)
    })
  }

  readonly #onIdentify = (e: CustomEvent<IdentifyResult>): void => {
    const { connection } = e.detail
    if (connection.status !== 'open') return
    this.#identified.add(connection.id)
    for (const w of [...this.#waiters]) if (w.connection.id === connection.id) w.done(true)
  }

  // A closed connection cannot be identified any more.
  readonly #onClose = (e: CustomEvent<Connection>): void => {
    const connection = e.detail
    const identified = this.#identified.delete(connection.id)
    for (const w of [...this.#waiters]) if (w.connection.id === connection.id) w.done(false)
    if (!identified && connection.limits === undefined && isWebRTC(connection))
      for (const l of [...this.#stillborn]) l(connection)
  }
}
