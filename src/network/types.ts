/**
 * The contract between the network layer and the layers above it (groups, discovery
 * consumers, devtools). `Network` (network.ts) implements `NetworkServices`; the
 * groups layer programs against exactly these names.
 */
import type { RejectReason } from '../core/errors.js'
import type { IdLike, PeerId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import type { Ticket, TicketClass } from '../tickets/ticket.js'
import type { JournalStore } from './persist/journal.js'
import type { RetryOptions } from './retry.js'

/** Why a channel closed. `local`/`remote` graceful closes carry no reject reason. */
export interface CloseInfo {
  readonly by: 'local' | 'remote' | 'error'
  readonly reason?: RejectReason | 'departure' | 'shutdown' | 'reset' | string
  readonly detail?: string
}

/**
 * One framed, CBOR-coded, bidirectional libp2p stream to one peer on one protocol.
 * Frames are length-prefixed (4-byte BE) and bounded by `maxFrameSize`; an oversized or
 * undecodable frame closes the channel with that reason and counts an `input.rejected`
 * telemetry event; nothing is thrown into the listener's caller.
 */
export interface Channel {
  readonly remotePeer: PeerId
  /** Full protocol id, e.g. `/mosaik/0123456789/groups/3`. */
  readonly protocol: string
  /** True on the side that opened the stream. */
  readonly initiator: boolean
  readonly isClosed: boolean
  /**
   * Encodes and queues one message. Returns false if the channel is closed (the message
   * is dropped). Messages are delivered in order. Throws `EncodingError` for a value CBOR
   * cannot carry (a local bug, not a peer's).
   */
  send(message: unknown): boolean
  /**
   * Receives decoded messages in order. Messages that arrive before the first listener
   * is attached are buffered and delivered to it.
   */
  onMessage(listener: (message: unknown) => void): () => void
  /** Called once when the channel closes, for any reason. Called at once if already closed. */
  onClose(listener: (info: CloseInfo) => void): () => void
  /** Graceful close after queued messages are flushed. Idempotent. */
  close(reason?: CloseInfo['reason'], detail?: string): void
  /** Refuse the peer's input: counts `input.rejected` with this reason and resets the stream. */
  reject(reason: RejectReason, detail: string): void
  /**
   * The peer passed this protocol's handshake: lifts the `preAuthBytes` budget. Optional so
   * test doubles need not implement it.
   */
  authenticated?(): void
  /**
   * The peer proved part of this protocol's handshake (a group member's key, before its ticket
   * is checked): `bytes` more are accepted before `authenticated()`. Optional, as above.
   */
  allowPreAuth?(bytes: number): void
}

/**
 * Options of `handle` and `openChannel`. Note that libp2p resets a stream that carries no
 * data for 2 minutes (its inactivity timeout): long-lived channels should heartbeat.
 */
export interface ChannelOptions {
  /** Largest accepted frame; default 4 MiB (`DEFAULT_MAX_FRAME_SIZE`). */
  readonly maxFrameSize?: number
  /**
   * Largest frame accepted from the peer when it is to be smaller than what we send (a server
   * that sends large answers to small requests); default `maxFrameSize`.
   */
  readonly maxInboundFrameSize?: number
  readonly signal?: AbortSignal
  /**
   * Also run over limited (relayed, data-capped) connections. Default false: the channel
   * waits for a direct connection. Discovery's catalog exchange sets it.
   */
  readonly allowLimited?: boolean
  /** Overrides the network's dial retry policy for `openChannel`. */
  readonly retry?: RetryOptions
  /**
   * Bytes the peer may send in all before `channel.authenticated()` is called; more resets
   * the stream (counted `oversized`). Inbound channels with a budget also count against a
   * per-peer cap of channels still in their handshake. Default: no budget.
   */
  readonly preAuthBytes?: number
  /** Inbound channels of this protocol one peer may hold before `authenticated()`; default (and at most) 16. */
  readonly maxPreAuthChannels?: number
  /** Bytes queued for a peer that does not read before the channel is dropped; default 16 MiB. */
  readonly maxQueuedBytes?: number
}

/** A signed discovery entry, as verified and stored in the catalog. Ids are hex strings. */
export interface PeerEntry {
  readonly peerId: PeerId
  readonly network: string
  readonly addresses: string[]
  readonly tags: string[]
  /** Group ids (hex) this peer is a member of. */
  readonly groups: string[]
  /** Stream ids (hex) this peer produces; absent when none (older peers never send it). */
  readonly streams?: string[]
  /**
   * Store labels of its collection groups (discovery/store-labels.ts): store and group id
   * prefixes plus option digests, so peers can warn about a store opened with other options.
   * Absent from older peers' entries.
   */
  readonly stores?: string[]
  readonly tickets: Uint8Array[]
  /** Start time of the peer process (ms since epoch) and the time of this version. */
  readonly startedAt: number
  readonly updatedAt: number
}

export type DiscoveryEvent =
  | { readonly type: 'discovered'; readonly entry: PeerEntry }
  | { readonly type: 'updated'; readonly entry: PeerEntry; readonly previous: PeerEntry }
  | { readonly type: 'departed'; readonly entry: PeerEntry }

/**
 * How far discovery got with one connected peer, as seen by one group member:
 * - `identifying`: connected, protocols not known yet;
 * - `foreign`: does not speak the catalog protocol (not a mosaik peer of this network);
 * - `exchanging`: speaks it; no catalog exchange started by us since the member joined has
 *   ended yet;
 * - `heard`: such an exchange completed (its entry, if any, is in the catalog);
 * - `unheard`: such an exchange failed (the peer may be a member we cannot hear from).
 */
export type PeerStage = 'identifying' | 'foreign' | 'exchanging' | 'heard' | 'unheard'

/** What a peer can see around it, for one group: see `Discovery.surroundings`. */
export interface Surroundings {
  /** Bootstrap dials not settled yet. */
  readonly dialing: number
  /** Connected peers, with how long they have been connected (ms) and their stage. */
  readonly peers: ReadonlyArray<{ readonly peer: PeerId; readonly waitedMs: number; readonly stage: PeerStage }>
}

export interface Discovery {
  /** The local peer's own current entry. */
  self(): PeerEntry
  /** Verified entries of other peers of this network, by peer id. */
  catalog(): ReadonlyMap<PeerId, PeerEntry>
  onEvent(listener: (event: DiscoveryEvent) => void): () => void
  addTags(...tags: IdLike[]): void
  removeTags(...tags: IdLike[]): void
  /**
   * Announce (at once) that this peer is a member of the group; used by the groups layer.
   * `storeLabel` (a collection's store label) lets peers detect mismatched options.
   */
  joinGroup(groupId: IdLike, storeLabel?: string): void
  leaveGroup(groupId: IdLike): void
  /** Peers in the catalog that announce membership of `groupId`. */
  peersInGroup(groupId: IdLike): PeerId[]
  /** Announce (at once) that this peer produces `streamId`; used by the streams layer. At most 64. */
  addStream(streamId: IdLike): void
  removeStream(streamId: IdLike): void
  /** Peers in the catalog that announce producing `streamId`. */
  peersWithStream(streamId: IdLike): PeerId[]
  /**
   * The connected peers and bootstrap dials, with stages relative to the last `joinGroup(groupId)`
   * (joining re-runs the catalog exchange with every connected peer). Groups use it to tell a
   * member that is alone from one that has not heard from everyone yet.
   */
  surroundings(groupId: IdLike): Surroundings
  /** Called (synchronously, with no arguments) whenever `surroundings` may have changed. */
  onSurroundingsChange(listener: () => void): () => void
  /**
   * Starts a catalog exchange with every connected peer that speaks the protocol and that no
   * exchange of ours started since the last `joinGroup(groupId)` reached yet (none in flight):
   * a peer that connected to us after the join. Groups call it while they wait on such a peer.
   */
  hearFromAll(groupId: IdLike): void
  /**
   * Attaches a ticket to this peer's signed entry and re-announces it at once (mosaik
   * `add_ticket`); adding the same ticket twice is one ticket. Throws `RangeError` past
   * `MAX_TICKETS_PER_ENTRY` tickets or for a ticket larger than `MAX_TICKET_BYTES`.
   */
  addTicket(ticket: Ticket): void
  /** Removes the ticket with this id (`ticketId(t)`) and re-announces at once. */
  removeTicket(id: IdLike): void
  /** Removes every ticket of a class and re-announces at once. */
  removeTicketsOf(ticketClass: TicketClass | IdLike): void
  /** The tickets this peer currently announces. */
  tickets(): Ticket[]
}

/** Something owned by a network and stopped with it (groups registry, devtools feeds …). */
export interface NetworkService {
  stop(): Promise<void> | void
  /**
   * Optional: emit to `listener` alone, as telemetry, the current state of what this service
   * reported so far (devtools attached late call it through `Network.replayTelemetry`).
   */
  replayTelemetry?(listener: (event: TelemetryEvent) => void): void
}

/** What higher layers may use of a `Network`. */
export interface NetworkServices {
  readonly peerId: PeerId
  readonly discovery: Discovery
  /** True once `stop()` was called. */
  readonly stopped: boolean
  /** `/mosaik/<network id short>/<name>/1`. */
  protocol(name: string): string
  /** Accept channels on `protocol(name)`. One handler per name. */
  handle(name: string, handler: (channel: Channel) => void, options?: ChannelOptions): void
  unhandle(name: string): void
  /** Open a channel to `peer` on `protocol(name)` (dialing if needed, with retry). */
  openChannel(peer: PeerId, name: string, options?: ChannelOptions): Promise<Channel>
  /** Peers with at least one open connection. */
  connectedPeers(): PeerId[]
  onTelemetry(listener: (event: TelemetryEvent) => void): () => void
  emitTelemetry(event: TelemetryEvent): void
  /**
   * False while nobody listens to telemetry: services may skip building events then (refusals
   * still go to `emitTelemetry`, which counts them). Undefined counts as listened to.
   */
  readonly telemetryWatched?: boolean
  /** A per-network singleton created on first use and stopped (in reverse order) by `stop()`. */
  service<T extends NetworkService>(key: string, create: () => T): T
  /**
   * Durable journals, one per group (`NetworkOptions.persist`); undefined when the network runs
   * in memory. Groups open theirs by group id.
   */
  readonly journals?: JournalStore | undefined
}
