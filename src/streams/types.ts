import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { IdLike, PeerId, UniqueId } from '../core/id.js'
import type { RetryOptions } from '../network/retry.js'
import type { PeerEntry } from '../network/types.js'
import type { Expiration } from '../tickets/expiration.js'
import type { TicketValidator } from '../tickets/validator.js'
import type { ChannelConditions } from './conditions.js'

/** A value with the producer it came from. */
export interface Received<T> {
  readonly value: T
  readonly from: PeerId
}

/** A stream's identity (mosaik `StreamId`): `UniqueId.from(name)`. */
export type StreamId = UniqueId

/** When a ticket stops granting access: the tickets module's `Expiration`. */
export type TicketExpiration = Expiration

/** A ticket validator (mosaik `TicketValidator`), e.g. `Jwt.withKey(key).allowIssuer('my-app')`. */
export type StreamTicketValidator = TicketValidator

/**
 * What a `require` predicate sees of a peer: its verified discovery entry (tags are hex
 * ids; `hasTag` takes a name or id).
 */
export interface PeerInfo {
  readonly peerId: PeerId
  readonly entry: PeerEntry
  hasTag(tag: IdLike): boolean
  /** Smoothed round trip to the peer in ms, as the streams protocol measured it; undefined before any. */
  readonly rtt: number | undefined
  /** True when the measured RTT is below `ms` (false while unknown: no optimistic admission). */
  rttBelow(ms: number): boolean
}

/**
 * What a producer does with a datum for a consumer whose queue (`bufferSize`) is full:
 * - `disconnect` (default, mosaik's `disconnect_lagging(true)`): close it with `too-slow`;
 *   it may resubscribe and start from the next datum.
 * - `drop-oldest`: sample; drop the oldest queued datum so the newest always gets through
 *   (cursors, presence).
 * - `drop-newest`: drop the new datum for that consumer (mosaik's `disconnect_lagging(false)`).
 * Every drop is counted (`stats.dropped`). Memory per consumer never exceeds `window`
 * datums in flight plus `bufferSize` datums / `maxQueuedBytes` queued, either way.
 */
export type LaggingPolicy = 'disconnect' | 'drop-oldest' | 'drop-newest'

/** Options of `network.streams.produce` (mosaik's producer `Builder`). */
export interface ProducerOptions<T> {
  /** Consumers must satisfy every predicate (AND, as mosaik's chained `require`). */
  readonly require?: ((peer: PeerInfo) => boolean) | ReadonlyArray<(peer: PeerInfo) => boolean>
  /** Consumers must hold a valid ticket for each validator; dropped when the earliest expires. */
  readonly requireTicket?: StreamTicketValidator | readonly StreamTicketValidator[]
  /** When the producer counts as online; default `c => c.minimumOf(1)`. */
  readonly onlineWhen?: (c: ChannelConditions) => ChannelConditions
  /** Most simultaneous consumers; more are refused with `no-capacity`. Default 1024. */
  readonly maxConsumers?: number
  /** Datums queued per consumer beyond its credit window. Default 1024 (mosaik's buffer size). */
  readonly bufferSize?: number
  /** Alias of `bufferSize` (the name in the API sketch). */
  readonly buffer?: number
  /** Bytes queued per consumer beyond its credit window. Default 4 MiB. */
  readonly maxQueuedBytes?: number
  /** Datums in flight per consumer before its acknowledgements; caps what a consumer asks. Default 64. */
  readonly window?: number
  /** What happens to a consumer that fills its queue. Default `disconnect`. */
  readonly onLagging?: LaggingPolicy
  /** Largest encoded datum; larger sends throw `StreamError('encoding')`. Default 64 KiB. */
  readonly maxDatumBytes?: number
  /** Checks every local send; a value it refuses throws `StreamError('invalid')`. */
  readonly schema?: StandardSchemaV1<T>
}

/** Options of `network.streams.consume` (mosaik's consumer `Builder`). */
export interface ConsumerOptions<T> {
  /** Producers must satisfy every predicate (AND); re-evaluated when their entry changes. */
  readonly require?: ((peer: PeerInfo) => boolean) | ReadonlyArray<(peer: PeerInfo) => boolean>
  /** Producers must hold a valid ticket for each validator; dropped when the earliest expires. */
  readonly requireTicket?: StreamTicketValidator | readonly StreamTicketValidator[]
  /** Criteria sent to producers (mosaik's `Criteria`: a placeholder that matches everything). */
  readonly criteria?: Criteria
  /** When the consumer counts as online; default `c => c.minimumOf(0)` (online at once). */
  readonly onlineWhen?: (c: ChannelConditions) => ChannelConditions
  /** Credit window asked of each producer (in-flight datums). Default 64. */
  readonly window?: number
  /** Largest datum accepted; a larger one closes that subscription and is counted. Default 64 KiB. */
  readonly maxDatumBytes?: number
  /** Most producers subscribed at once; other eligible ones wait for a slot to free. Default 256. */
  readonly maxProducers?: number
  /** Checks every received value; refused values are counted (`stats.refused`), never delivered. */
  readonly schema?: StandardSchemaV1<T>
  /** Retry policy of subscription attempts. Default: the network's dial policy. */
  readonly retry?: RetryOptions
}

/** mosaik's `Criteria`: sent with a subscription. Today it matches everything, as in mosaik. */
export type Criteria = Readonly<Record<string, never>>

/** State of one producer–consumer link (mosaik `State`). */
export type LinkState = 'connecting' | 'connected' | 'terminated'

/** Counters of one link or of a whole consumer (mosaik `Stats`, plus drops and lag). */
export interface StreamStats {
  /** Datums written to (producer) or received from (consumer) this link. */
  readonly datums: number
  /** Encoded bytes of those datums. */
  readonly bytes: number
  /** Datums dropped for this consumer by the lagging policy (producer side). */
  readonly dropped: number
  /** Values refused by the consumer's schema or decoder (consumer side). */
  readonly refused: number
  /** Datums queued or in flight, not yet acknowledged by the consumer (producer side). */
  readonly lag: number
  /** `performance.now()` when the link came up; undefined while not connected. */
  readonly connectedAt: number | undefined
}

/** One producer–consumer link as either side sees it (mosaik `ChannelInfo`). */
export interface ChannelInfo {
  readonly streamId: StreamId
  readonly producerId: PeerId
  readonly consumerId: PeerId
  /** The remote side's discovery entry when the link was made. */
  readonly peer: PeerEntry
  readonly state: LinkState
  stats(): StreamStats
}
