import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '../core/id.js'
import { type RetryOptions, retry, sleep } from '../network/retry.js'
import type { PeerEntry } from '../network/types.js'
import { type AddressPolicy, mayDial } from './address-policy.js'

/** Dials of catalog peers in flight at once; more wait for the peer's next announce. */
export const MAX_PENDING_DIALS = 32

/**
 * Dials peers found in the catalog so that the network forms direct connections, and
 * redials a peer whose connection dropped while it is still in the catalog.
 *
 * Address preference: WebRTC through a relay first (a direct browser/Node connection),
 * then plain direct addresses (TCP, WebSockets, memory), and only then a relayed
 * circuit (limited; enough for signalling and the catalog exchange, not for traffic).
 * Every dial retries with backoff; `forget` and `stop` abort dials in flight.
 *
 * When both peers find each other at once, the one with the greater peer id waits
 * `deferMs` before dialing, so usually one connection forms instead of two crossing ones.
 */
export class PeerDialer {
  readonly #libp2p: Libp2p
  readonly #retry: RetryOptions
  readonly #deferMs: number
  readonly #dials = new Map<PeerId, AbortController>()
  #stopped = false

  readonly #policy: AddressPolicy

  constructor(libp2p: Libp2p, retryOptions: RetryOptions, deferMs = 1_000, dialPrivate = true) {
    this.#libp2p = libp2p
    this.#retry = retryOptions
    this.#deferMs = deferMs
    this.#policy = {
      dialPrivate,
      connectedTo: (peer) => {
        try {
          return this.#libp2p.getConnections(peerIdFromString(peer)).some((c) => c.status === 'open')
        } catch {
          return false
        }
      },
    }
  }

  /** True when `peer` has an open connection without relay limits. */
  isDirectlyConnected(peer: PeerId): boolean {
    return this.#libp2p
      .getConnections(peerIdFromString(peer))
      .some((c) => c.status === 'open' && c.limits === undefined)
  }

  /** Number of dials in flight. */
  get pending(): number {
    return this.#dials.size
  }

  /** Dials the peer in the background unless it is connected or already being dialed. */
  consider(entry: PeerEntry): void {
    const peer = entry.peerId
    if (this.#stopped || this.#dials.has(peer) || this.#dials.size >= MAX_PENDING_DIALS) return
    if (this.isDirectlyConnected(peer)) return
    const plan = dialPlan(entry.addresses, this.#policy)
    if (plan.length === 0) return
    const abort = new AbortController()
    this.#dials.set(peer, abort)
    const defer = this.#libp2p.peerId.toString() > peer ? this.#deferMs : 0
    sleep(defer, abort.signal)
      .then(() => {
        if (this.isDirectlyConnected(peer)) return
        return retry(`dial ${peer}`, (signal) => this.#dialPlan(peer, plan, signal), {
          ...this.#retry,
          signal: abort.signal,
        })
      })
      .catch(() => {
        // Unreachable for now: the peer's next announce brings another try.
      })
      .finally(() => {
        if (this.#dials.get(peer) === abort) this.#dials.delete(peer)
      })
  }

  /** Stops dialing `peer` (it departed). */
  forget(peer: PeerId): void {
    this.#dials.get(peer)?.abort(new Error('peer departed'))
    this.#dials.delete(peer)
  }

  stop(): void {
    this.#stopped = true
    for (const a of this.#dials.values()) a.abort(new Error('discovery stopped'))
    this.#dials.clear()
  }

  async #dialPlan(peer: PeerId, plan: Multiaddr[][], signal: AbortSignal): Promise<void> {
    let last: unknown = new Error(`no dialable address for ${peer}`)
    for (const group of plan) {
      try {
        await this.#libp2p.dial(group, { signal })
        if (this.isDirectlyConnected(peer) || group === plan[plan.length - 1]) return
      } catch (err) {
        signal.throwIfAborted()
        last = err
      }
    }
    throw last
  }
}

/** Groups a peer's addresses in dial order: relayed WebRTC, direct, relayed circuit. */
export function dialPlan(addresses: readonly string[], policy?: AddressPolicy): Multiaddr[][] {
  const mas: Multiaddr[] = []
  for (const a of addresses) {
    try {
      const ma = multiaddr(a)
      if (!policy || mayDial(ma, policy)) mas.push(ma)
    } catch {
      // An unparsable address of a verified peer is its problem; try the others.
    }
  }
  const isWebRTC = (a: Multiaddr) => /\/webrtc(\/|$)/.test(a.toString())
  const isCircuit = (a: Multiaddr) => a.toString().includes('/p2p-circuit')
  const webrtc = mas.filter(isWebRTC)
  const direct = mas.filter((a) => !isWebRTC(a) && !isCircuit(a))
  const relayed = mas.filter((a) => !isWebRTC(a) && isCircuit(a))
  return [webrtc, direct, relayed].filter((g) => g.length > 0)
}
