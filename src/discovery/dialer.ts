import type { Connection, Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '../core/id.js'
import { DialWatchers } from '../network/dial-progress.js'
import { IdentifiedConnections, isWebRTC } from '../network/identified.js'
import { DEFAULT_RETRY, type RetryOptions, raceAbort, retry, sleep } from '../network/retry.js'
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
 * A peer reachable over WebRTC is dialed by both sides as soon as they find each other (a
 * simultaneous open): when one side's WebRTC dial hangs, the other's usually completes, and two
 * crossing connections cost less than a second of waiting (libp2p keeps both; streams use
 * either). A WebRTC attempt that stops making progress for `stallTimeoutMs` is abandoned and
 * retried at once (`DialWatchers`); a WebRTC connection that never answers identify (its other
 * half hung) is closed and redialed rather than taken as a connection, and one that dies at
 * birth makes us dial again at once (`IdentifiedConnections`). Other plans (TCP, WebSockets,
 * memory) do not hang that way: when both peers find each other at once, the one with the
 * greater peer id waits `deferMs` first, so usually one connection forms instead of two.
 */
export class PeerDialer {
  readonly #libp2p: Libp2p
  readonly #retry: RetryOptions
  readonly #deferMs: number
  readonly #stallMs: number
  readonly #dials = new Map<PeerId, AbortController>()
  /** Entries of peers considered, to dial again when a connection with one dies at birth. */
  readonly #entries = new Map<PeerId, PeerEntry>()
  readonly #identified: IdentifiedConnections
  #stopped = false

  readonly #policy: AddressPolicy

  constructor(libp2p: Libp2p, retryOptions: RetryOptions, deferMs = 1_000, dialPrivate = true) {
    this.#libp2p = libp2p
    this.#retry = retryOptions
    this.#deferMs = deferMs
    this.#stallMs = retryOptions.stallTimeoutMs ?? DEFAULT_RETRY.stallTimeoutMs
    this.#identified = new IdentifiedConnections(libp2p)
    this.#identified.start()
    this.#identified.onStillborn((c) => this.#stillborn(c.remotePeer.toString()))
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

  /**
   * True when `peer` has an open connection without relay limits, which, when it is WebRTC,
   * identify has completed on (a half-open one does not count).
   */
  isDirectlyConnected(peer: PeerId): boolean {
    return this.#libp2p
      .getConnections(peerIdFromString(peer))
      .some((c) => c.status === 'open' && c.limits === undefined && (!isWebRTC(c) || this.#identified.has(c)))
  }

  /** Number of dials in flight. */
  get pending(): number {
    return this.#dials.size
  }

  /** Dials the peer in the background unless it is connected or already being dialed. */
  consider(entry: PeerEntry): void {
    const peer = entry.peerId
    if (this.#stopped) return
    if (this.#entries.has(peer) || this.#entries.size < MAX_REMEMBERED) this.#entries.set(peer, entry)
    if (this.#dials.has(peer) || this.#dials.size >= MAX_PENDING_DIALS) return
    if (this.isDirectlyConnected(peer)) return
    const plan = dialPlan(entry.addresses, this.#policy)
    if (plan.length === 0) return
    const dial = new AbortController()
    const { signal } = dial
    this.#dials.set(peer, dial)
    const webrtcFirst = plan[0]?.some(isWebRTCAddr) ?? false
    const defer = !webrtcFirst && this.#libp2p.peerId.toString() > peer ? this.#deferMs : 0
    const attempts = this.#retry.attempts ?? DEFAULT_RETRY.attempts
    sleep(defer, signal)
      .then(() => {
        if (this.isDirectlyConnected(peer)) return
        return retry(`dial ${peer}`, (s, n) => this.#dialPlan(peer, plan, s, n < attempts), {
          ...this.#retry,
          signal,
        })
      })
      .catch(() => {
        // Unreachable for now: the peer's next announce brings another try.
      })
      .finally(() => {
        if (this.#dials.get(peer) === dial) this.#dials.delete(peer)
      })
  }

  /** Stops dialing `peer` (it departed). */
  forget(peer: PeerId): void {
    this.#dials.get(peer)?.abort(new Error('peer departed'))
    this.#dials.delete(peer)
    this.#entries.delete(peer)
  }

  stop(): void {
    this.#stopped = true
    this.#identified.stop()
    for (const d of this.#dials.values()) d.abort(new Error('discovery stopped'))
    this.#dials.clear()
    this.#entries.clear()
  }

  /**
   * One attempt: the groups of `plan` in order until one gives a direct connection. With only a
   * relayed circuit (enough for the catalog exchange, not for traffic), it fails while `more`
   * attempts remain, so the retry tries for a direct connection again.
   */
  async #dialPlan(peer: PeerId, plan: Multiaddr[][], signal: AbortSignal, more: boolean): Promise<void> {
    let last: unknown = new Error(`no dialable address for ${peer}`)
    for (const group of plan) {
      try {
        await this.#usable(await this.#dialGroup(peer, group, signal), signal)
        if (this.isDirectlyConnected(peer)) return
      } catch (err) {
        signal.throwIfAborted()
        last = err
      }
    }
    const relayedOnly = plan.every((g) => g.every(isRelayedCircuit))
    if ((relayedOnly || !more) && this.#connected(peer)) return
    throw last
  }

  /** A WebRTC connection with `peer` died at birth: dial it again now rather than wait for a hung attempt. */
  #stillborn(peer: PeerId): void {
    if (this.#stopped) return
    DialWatchers.of(this.#libp2p).abandon(peer, new Error(`a WebRTC connection with ${peer} died as it opened`))
    const entry = this.#entries.get(peer)
    if (entry && !this.#dials.has(peer)) this.consider(entry)
  }

  #connected(peer: PeerId): boolean {
    return this.#libp2p.getConnections(peerIdFromString(peer)).some((c) => c.status === 'open')
  }

  /** One libp2p dial of `group`, abandoned when it stops making progress. */
  async #dialGroup(peer: PeerId, group: Multiaddr[], signal: AbortSignal): Promise<Connection> {
    const watch = DialWatchers.of(this.#libp2p).watch(peer, this.#stallMs, `dial ${peer}`, signal)
    try {
      return await raceAbort(
        this.#libp2p.dial(group, { signal: watch.signal, onProgress: watch.onProgress }),
        watch.signal,
      )
    } finally {
      watch.dispose()
    }
  }

  /**
   * Resolves when `connection` carries traffic: a WebRTC connection (new, or the half-open one
   * libp2p handed back) once identify completes on it; otherwise it is closed and this throws.
   */
  async #usable(connection: Connection, signal: AbortSignal): Promise<void> {
    if (!isWebRTC(connection) || connection.limits !== undefined) return
    // Identify follows the open within a round trip: a connection open for the stall bound
    // already without it is given up at once. No stall bound: the attempt's bounds the wait.
    const left = this.#stallMs > 0 ? this.#stallMs - (Date.now() - connection.timeline.open) : MAX_TIMER_MS
    if (await this.#identified.wait(connection, Math.max(0, left), signal)) return
    signal.throwIfAborted()
    const err = new Error(`WebRTC connection to ${connection.remotePeer} does not answer identify`)
    connection.abort(err)
    throw err
  }
}

/** The longest delay `setTimeout` takes. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** Entries remembered for redials (`consider` keeps the newest of each peer). */
const MAX_REMEMBERED = 1_024

const isWebRTCAddr = (a: Multiaddr) => /\/webrtc(\/|$)/.test(a.toString())
const isRelayedCircuit = (a: Multiaddr) => !isWebRTCAddr(a) && a.toString().includes('/p2p-circuit')

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
  const webrtc = mas.filter(isWebRTCAddr)
  const relayed = mas.filter(isRelayedCircuit)
  const direct = mas.filter((a) => !isWebRTCAddr(a) && !isRelayedCircuit(a))
  return [webrtc, direct, relayed].filter((g) => g.length > 0)
}
