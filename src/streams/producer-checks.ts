import type { PeerId } from '../core/id.js'
import type { RetryOptions } from '../network/retry.js'
import type { NetworkServices, PeerEntry } from '../network/types.js'
import { Pinger } from './pinger.js'
import type { RttTracker } from './rtt.js'
import { checkRequire, validateTickets } from './tickets.js'
import type { PeerInfo, StreamId, StreamTicketValidator } from './types.js'

/** Whether a producer qualifies, and until when its tickets do (ms since the epoch; absent: no end). */
export type Eligibility = false | { readonly expiresAt?: number }

interface Running {
  /** The entry the producer announced while its check ran: checked next. */
  next: PeerEntry | undefined
  departed: boolean
  done: Promise<void>
}

/**
 * A consumer's checks of the producers it finds: the stream in their entry, `require` (pinging
 * first when a predicate needs an RTT not measured yet, as mosaik does) and the tickets. Checks
 * await, so one runs per producer at a time: an entry it announces meanwhile is checked after
 * it, and only the result of its latest entry is acted on (none once it departed). A producer
 * that churns its entry costs one check at a time, not one per change.
 */
export class ProducerChecks {
  readonly #streamId: string
  readonly #rtt: Pick<RttTracker, 'get' | 'record'>
  readonly #require: ReadonlyArray<(peer: PeerInfo) => boolean>
  readonly #tickets: readonly StreamTicketValidator[]
  readonly #pinger: Pinger
  readonly #running = new Map<PeerId, Running>()
  #closed = false

  constructor(
    streamId: StreamId,
    net: Pick<NetworkServices, 'openChannel'>,
    rtt: Pick<RttTracker, 'get' | 'record'>,
    rules: { require: ReadonlyArray<(peer: PeerInfo) => boolean>; tickets: readonly StreamTicketValidator[] },
    retry: RetryOptions,
  ) {
    this.#streamId = streamId.toString()
    this.#rtt = rtt
    this.#require = rules.require
    this.#tickets = rules.tickets
    this.#pinger = new Pinger(net, rtt, retry)
  }

  /**
   * Checks `entry` and hands the latest entry's result to `act`; settles once `act` did. A
   * check already running for its producer takes `entry` as its next and is what this awaits.
   */
  check(entry: PeerEntry, act: (entry: PeerEntry, eligible: Eligibility) => Promise<void>): Promise<void> {
    const running = this.#running.get(entry.peerId)
    if (running) {
      running.next = entry
      running.departed = false
      return running.done
    }
    const state: Running = { next: undefined, departed: false, done: Promise.resolve() }
    this.#running.set(entry.peerId, state)
    state.done = this.#run(entry, state, act)
    return state.done
  }

  /** The producer left the catalog: the check running for it decides nothing. */
  departed(peer: PeerId): void {
    const running = this.#running.get(peer)
    if (running) running.departed = true
  }

  /** Pings still waiting end; no check acts from now on. */
  close(): void {
    this.#closed = true
    this.#pinger.close()
  }

  async #run(first: PeerEntry, state: Running, act: (entry: PeerEntry, eligible: Eligibility) => Promise<void>) {
    let entry = first
    let eligible: Eligibility
    try {
      eligible = await this.#eligible(entry)
      while (state.next && !this.#closed) {
        entry = state.next
        state.next = undefined
        eligible = await this.#eligible(entry)
      }
    } finally {
      // Acted on below: a later change starts a check of its own.
      this.#running.delete(first.peerId)
    }
    if (!this.#closed && !state.departed) await act(entry, eligible)
  }

  async #eligible(entry: PeerEntry): Promise<Eligibility> {
    if (!entry.streams?.includes(this.#streamId)) return false
    let check = checkRequire(entry, this.#require, this.#rtt.get(entry.peerId))
    if (!check.ok && check.needsRtt && (await this.#pinger.ping(entry.peerId)))
      check = checkRequire(entry, this.#require, this.#rtt.get(entry.peerId))
    if (!check.ok) return false
    if (this.#tickets.length === 0) return {}
    const granted = await validateTickets(entry, this.#tickets)
    if (!granted) return false
    return granted.kind === 'at' ? { expiresAt: granted.at.getTime() } : {}
  }
}
