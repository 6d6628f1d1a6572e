import type { Libp2p } from '@libp2p/interface'
import type { PeerId } from '../core/id.js'
import { Watch } from '../core/watch.js'
import type { BootstrapKeeper, BootstrapStatus } from './bootstrap.js'

/**
 * Where a network stands, as a user should see it:
 *
 * | status       | meaning                                                                      |
 * |--------------|------------------------------------------------------------------------------|
 * | `starting`   | the network is being created (only before `Network.create` resolves)         |
 * | `connecting` | no peer yet; a first dial of a bootstrap address is in flight                 |
 * | `online`     | at least one peer is connected                                               |
 * | `offline`    | no peer: every bootstrap dial failed or its connection was lost (redialing), or there is nothing to dial |
 * | `stopped`    | `stop()` was called; permanent                                               |
 */
export type NetworkStatusKind = 'starting' | 'connecting' | 'online' | 'offline' | 'stopped'

/** A snapshot of a network's connectivity. Immutable; a new object only when something in it changed. */
export interface NetworkStatus {
  readonly status: NetworkStatusKind
  /** Peers with at least one open connection (relays included). */
  readonly peers: number
  /** Bootstrap peers (relays) connected now. */
  readonly relays: number
  /** Bootstrap addresses configured. */
  readonly bootstraps: number
  /** Why the network is `offline` (or what the last bootstrap failure was), for the UI. */
  readonly reason: string | undefined
  /** Each bootstrap address and what it is doing. */
  readonly bootstrap: readonly BootstrapStatus[]
}

/** libp2p events after which the peer count may have changed. */
const EVENTS = ['connection:open', 'connection:close', 'peer:connect', 'peer:disconnect'] as const

/** The status of a network that does not exist yet (the provider is starting it, or server rendering). */
export const STARTING_STATUS: NetworkStatus = Object.freeze({
  status: 'starting',
  peers: 0,
  relays: 0,
  bootstraps: 0,
  reason: undefined,
  bootstrap: Object.freeze([]) as readonly BootstrapStatus[],
})

/**
 * A framework-free store of a network's `NetworkStatus`, fed by libp2p connection events
 * and the bootstrap keeper. `subscribe` / `getSnapshot` fit React's `useSyncExternalStore`;
 * `waitFor` awaits a condition (bounded).
 */
export class NetworkStatusStore {
  readonly #watch: Watch<NetworkStatus>
  readonly #libp2p: Libp2p
  readonly #bootstrap: BootstrapKeeper
  readonly #unsubscribe: () => void
  #stopped = false

  constructor(libp2p: Libp2p, bootstrap: BootstrapKeeper) {
    this.#libp2p = libp2p
    this.#bootstrap = bootstrap
    this.#watch = new Watch<NetworkStatus>(this.#compute())
    this.#unsubscribe = bootstrap.statuses.subscribe(() => this.refresh())
    for (const e of EVENTS) libp2p.addEventListener(e, this.refresh)
  }

  getSnapshot = (): NetworkStatus => this.#watch.get()

  subscribe = (listener: () => void): (() => void) => this.#watch.subscribe(listener)

  /** Resolves with the first status (current included) that satisfies `predicate`; bounded by `timeoutMs`. */
  waitFor(predicate: (s: NetworkStatus) => boolean, what: string, timeoutMs: number): Promise<NetworkStatus> {
    return this.#watch.waitFor(predicate, { what, timeoutMs })
  }

  /** Recomputes the snapshot (called on every connection change). */
  readonly refresh = (): void => {
    if (this.#stopped) return
    const next = this.#compute()
    if (!sameStatus(this.#watch.get(), next)) this.#watch.set(next)
  }

  /** Moves to `stopped` (final) and detaches from libp2p. */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#unsubscribe()
    for (const e of EVENTS) this.#libp2p.removeEventListener(e, this.refresh)
    const last = this.#watch.get()
    this.#watch.set(
      Object.freeze({ ...last, status: 'stopped', peers: 0, relays: 0, reason: 'the network was stopped' }),
    )
    this.#watch.close()
  }

  #compute(): NetworkStatus {
    const peers: PeerId[] = this.#libp2p.getPeers().map(String)
    const bootstrap = this.#bootstrap.statuses.get()
    const relays = bootstrap.filter((b) => b.state === 'connected').length
    let status: NetworkStatusKind
    let reason: string | undefined
    const failed = bootstrap.find((b) => b.state === 'retrying')
    if (peers.length > 0) {
      status = 'online'
      if (failed) reason = bootstrapReason(failed)
    } else if (bootstrap.some((b) => b.state === 'dialing')) {
      status = 'connecting'
    } else {
      status = 'offline'
      reason = failed
        ? bootstrapReason(failed)
        : bootstrap.length === 0
          ? 'no peer connected and no bootstrap address to dial'
          : 'no peer connected'
    }
    return Object.freeze({ status, peers: peers.length, relays, bootstraps: bootstrap.length, reason, bootstrap })
  }
}

function bootstrapReason(b: BootstrapStatus): string {
  const what = b.lastError === 'connection lost' ? 'connection lost' : `unreachable (${b.lastError ?? 'unknown error'})`
  return `relay ${b.address}: ${what}; redialing`
}

function sameStatus(a: NetworkStatus, b: NetworkStatus): boolean {
  return (
    a.status === b.status &&
    a.peers === b.peers &&
    a.relays === b.relays &&
    a.reason === b.reason &&
    a.bootstrap === b.bootstrap
  )
}
