import type { PeerId, UniqueId } from '../../core/id.js'
import type { NetworkServices } from '../../network/types.js'
import type { TimerHandle, Timers } from '../timers.js'

/** Bond dials in flight at once. */
const MAX_DIALS_IN_FLIGHT = 16
const RETRY_MIN_MS = 250
const RETRY_MAX_MS = 8_000

/** What the dialer needs from the bond set. */
export interface DialerHost {
  readonly network: NetworkServices
  readonly groupId: UniqueId
  readonly local: PeerId
  readonly timers: Timers
  /** Pause between sweeps over the members discovery lists, ms. */
  readonly reconcileMs: number
  /** True when a bond with `peer` exists (up, or still starting). */
  bonded(peer: PeerId): boolean
  /**
   * Opens a channel to `peer` and bonds over it; calls `retry` when that failed in a way
   * worth trying again (not a duplicate bond). Settles when the attempt ended.
   */
  connect(peer: PeerId, retry: () => void): Promise<void>
}

/**
 * Which members a bond set dials, and when: every member discovery lists (swept again every
 * `reconcileMs`), at most `MAX_DIALS_IN_FLIGHT` at once, with a doubling backoff after a
 * failure; members that said `departure` are not redialed until discovery shows them again.
 */
export class Dialer {
  readonly #host: DialerHost
  readonly #dialing = new Set<PeerId>()
  readonly #retry = new Map<PeerId, { at: TimerHandle; delay: number }>()
  /** Peers that said `departure`: not redialed until discovery shows them (again) in the group. */
  readonly #departed = new Set<PeerId>()
  #reconcileTimer: TimerHandle | undefined
  #closed = false

  constructor(host: DialerHost) {
    this.#host = host
  }

  /** Dials every member discovery lists now, and again every `reconcileMs`. */
  reconcile(): void {
    if (this.#closed) return
    const h = this.#host
    for (const peer of h.network.discovery.peersInGroup(h.groupId)) {
      if (!this.#departed.has(peer) && !this.#retry.has(peer)) this.#dial(peer)
    }
    this.#reconcileTimer = h.timers.after(h.reconcileMs, () => this.reconcile())
  }

  /** Discovery shows `peer` in the group (again), or it bonded: it may be dialed. */
  returned(peer: PeerId): void {
    this.#departed.delete(peer)
  }

  /** `peer` said `departure`: not redialed until discovery shows it again. */
  departed(peer: PeerId): void {
    this.#departed.add(peer)
  }

  /** Event-driven dial; the larger id waits a moment so the smaller one usually opens the one bond. */
  soon(peer: PeerId): void {
    if (this.#host.local < peer) this.#dial(peer)
    else this.retry(peer, RETRY_MIN_MS)
  }

  /** A bond with `peer` went down: dial it again after the shortest pause. */
  lost(peer: PeerId): void {
    this.retry(peer, RETRY_MIN_MS)
  }

  /** A backed-off retry of `peer` is dropped (say, its entry changed), so the next event dials it. */
  resetRetry(peer: PeerId): void {
    const pending = this.#retry.get(peer)
    if (!pending || pending.delay <= RETRY_MIN_MS) return
    this.#host.timers.cancel(pending.at)
    this.#retry.delete(peer)
  }

  retry(peer: PeerId, delay: number): void {
    if (this.#closed || this.#retry.has(peer)) return
    const at = this.#host.timers.after(delay, () => {
      this.#retry.delete(peer)
      this.#dial(peer, delay)
    })
    this.#retry.set(peer, { at, delay })
  }

  close(): void {
    this.#closed = true
    this.#host.timers.cancel(this.#reconcileTimer)
    for (const r of this.#retry.values()) this.#host.timers.cancel(r.at)
    this.#retry.clear()
  }

  #dial(peer: PeerId, lastDelay = 0): void {
    const h = this.#host
    if (this.#closed || peer === h.local || h.bonded(peer) || this.#dialing.has(peer)) return
    // Discovery may list members nobody can reach (or that do not exist): bound the dials in
    // flight; `reconcile` comes back for the rest.
    if (this.#dialing.size >= MAX_DIALS_IN_FLIGHT) return
    this.#dialing.add(peer)
    const retry = () => {
      if (!this.#departed.has(peer) && h.network.discovery.peersInGroup(h.groupId).includes(peer))
        this.retry(peer, Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, lastDelay * 2)))
    }
    h.connect(peer, retry).finally(() => this.#dialing.delete(peer))
  }
}
