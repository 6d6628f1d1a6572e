import type { PeerId } from '../core/id.js'

/**
 * Round-trip times to peers, as the streams protocol measured them (mosaik's
 * `RttTracker`): a producer probes every subscriber once before it admits it, and a
 * consumer whose `require` reads an unknown RTT pings the producer first. Smoothed like
 * TCP's SRTT (α = 1/8). Bounded: at most `MAX_PEERS` peers are remembered.
 */
export class RttTracker {
  static readonly MAX_PEERS = 4_096
  readonly #rtt = new Map<PeerId, number>()

  get(peer: PeerId): number | undefined {
    return this.#rtt.get(peer)
  }

  record(peer: PeerId, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return
    const old = this.#rtt.get(peer)
    this.#rtt.delete(peer)
    if (this.#rtt.size >= RttTracker.MAX_PEERS) this.#rtt.delete(this.#rtt.keys().next().value as PeerId)
    this.#rtt.set(peer, old === undefined ? ms : old + (ms - old) / 8)
  }
}
