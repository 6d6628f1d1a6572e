import type { Libp2p, PeerId as Libp2pPeerId } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '../core/id.js'
import { Watch } from '../core/watch.js'
import { retry } from './retry.js'

/** Where one bootstrap address stands. */
export type BootstrapState =
  /** First dial in flight, no failure yet. */
  | 'dialing'
  | 'connected'
  /** The last dial failed, or the connection was lost; redialing with backoff. */
  | 'retrying'

export interface BootstrapStatus {
  readonly address: string
  readonly state: BootstrapState
  /** The peer behind the address, once known (from `/p2p/…` or the first connection). */
  readonly peer: PeerId | undefined
  /** Why the last dial failed or the connection ended. */
  readonly lastError: string | undefined
  /** Failed dials since the last connection. */
  readonly failures: number
}

/** How bootstrap addresses are redialed. */
export interface BootstrapOptions {
  /** Bound of one dial in ms. Default 6000. */
  readonly attemptTimeoutMs?: number
  /** First delay between dials; doubles each time with ±25 % jitter. Default 500. */
  readonly backoffMs?: number
  /** Largest delay between dials. Default 30 000. */
  readonly maxBackoffMs?: number
}

const DEFAULTS: Required<BootstrapOptions> = { attemptTimeoutMs: 6_000, backoffMs: 500, maxBackoffMs: 30_000 }

/**
 * Keeps a network connected to its bootstrap peers (usually relays): dials each address
 * at start and, for as long as the network runs, redials with exponential backoff
 * (capped, jittered) whenever the dial fails or the connection drops. A restarted relay
 * with the same identity and address is found again without the app doing anything.
 * `statuses` tells what each address is doing; `stop` aborts every dial and timer.
 */
export class BootstrapKeeper {
  readonly statuses: Watch<readonly BootstrapStatus[]>
  readonly #libp2p: Libp2p
  readonly #options: Required<BootstrapOptions>
  readonly #abort = new AbortController()
  readonly #loops = new Map<number, Promise<void>>()
  /** Addresses already reported unreachable once (the status store has the rest). */
  readonly #warned = new Set<number>()
  #entries: BootstrapStatus[]

  constructor(libp2p: Libp2p, addresses: readonly string[], options: BootstrapOptions = {}) {
    this.#libp2p = libp2p
    this.#options = { ...DEFAULTS, ...stripUndefined(options) }
    this.#entries = addresses.map((address) => ({
      address,
      state: 'dialing',
      peer: peerOf(address),
      lastError: undefined,
      failures: 0,
    }))
    this.statuses = new Watch<readonly BootstrapStatus[]>(this.#entries)
  }

  /** Starts dialing every address in the background. */
  start(): void {
    this.#libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.addEventListener('peer:connect', this.#onConnect)
    this.#entries.forEach((_, i) => {
      this.#redial(i)
    })
  }

  /**
   * Resolves once the first dial of every address ended (connected, or failed once), or on
   * stop: what a lone group member waits for before it may count itself alone.
   */
  firstAttempts(): Promise<void> {
    return new Promise((resolve) => {
      const settled = () => this.#abort.signal.aborted || this.#entries.every((e) => e.state !== 'dialing')
      if (settled()) return resolve()
      const off = this.statuses.subscribe(() => {
        if (!settled()) return
        off()
        resolve()
      })
      this.#abort.signal.addEventListener('abort', () => {
        off()
        resolve()
      })
    })
  }

  /** Peers behind bootstrap addresses that are connected now. */
  connectedPeers(): PeerId[] {
    return this.#entries.filter((e) => e.state === 'connected' && e.peer).map((e) => e.peer as PeerId)
  }

  stop(): void {
    this.#abort.abort(new Error('network stopped'))
    this.#libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.removeEventListener('peer:connect', this.#onConnect)
    this.statuses.close()
  }

  #redial(i: number): void {
    if (this.#abort.signal.aborted || this.#loops.has(i)) return
    const loop = this.#dialLoop(i).finally(() => this.#loops.delete(i))
    this.#loops.set(i, loop)
  }

  async #dialLoop(i: number): Promise<void> {
    const entry = this.#entries[i] as BootstrapStatus
    let ma: Multiaddr
    try {
      ma = multiaddr(entry.address)
    } catch (err) {
      this.#update(i, { state: 'retrying', lastError: `invalid multiaddr: ${(err as Error).message}` })
      return
    }
    try {
      const connection = await retry(`bootstrap ${entry.address}`, (signal) => this.#libp2p.dial(ma, { signal }), {
        attempts: Number.POSITIVE_INFINITY,
        attemptTimeoutMs: this.#options.attemptTimeoutMs,
        backoffMs: this.#options.backoffMs,
        maxBackoffMs: this.#options.maxBackoffMs,
        signal: this.#abort.signal,
        onRetry: (err) => {
          const current = this.#entries[i] as BootstrapStatus
          if (!this.#warned.has(i)) {
            this.#warned.add(i)
            console.warn(
              `mosaik-react: bootstrap ${entry.address} unreachable (${messageOf(err)}); redialing with backoff`,
            )
          }
          this.#update(i, { state: 'retrying', lastError: messageOf(err), failures: current.failures + 1 })
        },
      })
      this.#update(i, { state: 'connected', peer: connection.remotePeer.toString(), lastError: undefined, failures: 0 })
    } catch {
      // Only a stop ends the loop; nothing to report then.
    }
  }

  #update(i: number, patch: Partial<BootstrapStatus>): void {
    if (this.#abort.signal.aborted) return
    const next = [...this.#entries]
    next[i] = { ...(next[i] as BootstrapStatus), ...patch }
    this.#entries = next
    this.statuses.set(next)
  }

  readonly #onDisconnect = (e: CustomEvent<Libp2pPeerId>): void => {
    const peer = e.detail.toString()
    this.#entries.forEach((entry, i) => {
      if (entry.peer !== peer || entry.state !== 'connected') return
      this.#update(i, { state: 'retrying', lastError: 'connection lost' })
      this.#redial(i)
    })
  }

  // Another path (discovery, the app) may connect to a bootstrap peer first.
  readonly #onConnect = (e: CustomEvent<Libp2pPeerId>): void => {
    const peer = e.detail.toString()
    this.#entries.forEach((entry, i) => {
      if (entry.peer === peer && entry.state !== 'connected' && !this.#loops.has(i)) {
        this.#update(i, { state: 'connected', lastError: undefined, failures: 0 })
      }
    })
  }
}

function peerOf(address: string): PeerId | undefined {
  const m = /\/p2p\/([^/]+)$/.exec(address)
  return m?.[1]
}

function messageOf(err: unknown): string {
  const e = err as { message?: unknown; name?: unknown }
  return typeof e?.message === 'string' && e.message ? e.message : String(e?.name ?? err)
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
