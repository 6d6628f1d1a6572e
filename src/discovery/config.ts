import type { Libp2p } from '@libp2p/interface'
import type { RejectReason } from '../core/errors.js'
import type { IdLike, UniqueId } from '../core/id.js'
import type { RetryOptions } from '../network/retry.js'
import type { Discovery, NetworkServices } from '../network/types.js'
import type { TicketValidator } from '../tickets/validator.js'
import { DEFAULT_MAX_ENTRY_BYTES } from './entry.js'

/** Tunables of discovery; defaults in `DEFAULT_DISCOVERY`. */
export interface DiscoveryConfig {
  /** Mean time between periodic announces. */
  announceIntervalMs: number
  /** Each period is drawn from `interval × (1 ± jitter)`. */
  announceJitter: number
  /**
   * Entries not refreshed for this long are purged (`departed`). Measured on our clock from
   * when we received the peer's latest version, so a peer whose clock is behind or ahead
   * of ours is not purged for it.
   */
  purgeAfterMs: number
  /**
   * Clock skew tolerated between peers: entries dated more than this before our clock are
   * refused as stale (replays of old versions), and more than this after it as from the future.
   */
  maxDriftMs: number
  /** Most peers kept in the catalog; when full, the entry heard from least recently gives way. */
  maxPeers: number
  /**
   * Dial private, LAN and loopback addresses found in peers' entries. Default true, false in
   * the browser preset (a peer must not make a browser dial its LAN); relayed addresses through
   * a relay we are connected to stay allowed, and bootstrap addresses are never filtered.
   */
  dialPrivate: boolean
  maxEntryBytes: number
  /** Most entries accepted from one catalog exchange. */
  maxCatalogEntries: number
  /** Bound of one catalog exchange. */
  exchangeTimeoutMs: number
  /**
   * Entries one peer may push to us (its announces and those it forwards), per second on
   * average; bursts up to `pushBurst`. Beyond it they are dropped unread and counted
   * `rate-limited`. The default leaves room for `maxPeers` peers announcing at the fastest
   * jittered period.
   */
  pushPerSecond: number
  pushBurst: number
  /** Dial peers found in the catalog (and redial them when dropped). */
  dialPeers: boolean
  tags: IdLike[]
  /** Retry policy of catalog dials. */
  dial: RetryOptions
  /**
   * A ticket every peer must hold for this node to serve it discovery (a relay option):
   * entries without a valid ticket for each validator are refused (`unauthorized`, counted),
   * never stored, served or forwarded, and a peer without one gets no catalog.
   * Default none.
   */
  requireTicket: readonly TicketValidator[]
}

export const DEFAULT_DISCOVERY: DiscoveryConfig = {
  announceIntervalMs: 3_500,
  announceJitter: 0.4,
  purgeAfterMs: 6 * 3_500,
  maxDriftMs: 5 * 60_000,
  maxPeers: 1_024,
  dialPrivate: true,
  maxEntryBytes: DEFAULT_MAX_ENTRY_BYTES,
  maxCatalogEntries: 1_024,
  exchangeTimeoutMs: 5_000,
  pushPerSecond: 512,
  pushBurst: 1_024,
  dialPeers: true,
  tags: [],
  dial: { attempts: 4 },
  requireTicket: [],
}

/** What discovery needs of its network. */
export interface DiscoveryHost extends NetworkServices {
  readonly id: UniqueId
  readonly libp2p: Libp2p
  addresses(): string[]
}

/** Discovery plus its lifecycle and counters; `Network` owns one. */
export interface DiscoveryService extends Discovery {
  start(): Promise<void>
  /** Announces departure (pushed to connected peers, who pass it on), then stops. Idempotent. */
  stop(): Promise<void>
  /** Entries dropped so far, by reason (unsigned and forged count as `bad-signature`). */
  rejected(): Readonly<Partial<Record<RejectReason, number>>>
  /** Signs and publishes the local entry now. */
  announce(): Promise<void>
  /** The protocol announces travel on (pushes of the catalog protocol; formerly a gossipsub topic). */
  readonly topic: string
  /** Counts `dial` as a bootstrap dial in flight (`surroundings().dialing`) until it settles. */
  trackDial(dial: Promise<unknown>): void
}
