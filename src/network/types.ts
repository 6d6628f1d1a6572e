/**
 * The contract between the network layer and the layers above it (groups, discovery
 * consumers, devtools). `Network` (network.ts) implements `NetworkServices`; the
 * groups layer programs against exactly these names.
 */
import type { RejectReason } from '../core/errors.js'
import type { IdLike, PeerId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
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
  /** Full protocol id, e.g. `/mosaik/0123456789/groups/1`. */
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
}

/**
 * Options of `handle` and `openChannel`. Note that libp2p resets a stream that carries no
 * data for 2 minutes (its inactivity timeout): long-lived channels should heartbeat.
 */
export interface ChannelOptions {
  /** Largest accepted frame; default 4 MiB (`DEFAULT_MAX_FRAME_SIZE`). */
  readonly maxFrameSize?: number
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
  readonly tickets: Uint8Array[]
  /** Start time of the peer process (ms since epoch) and the time of this version. */
  readonly startedAt: number
  readonly updatedAt: number
}

export type DiscoveryEvent =
  | { readonly type: 'discovered'; readonly entry: PeerEntry }
  | { readonly type: 'updated'; readonly entry: PeerEntry; readonly previous: PeerEntry }
  | { readonly type: 'departed'; readonly entry: PeerEntry }

export interface Discovery {
  /** The local peer's own current entry. */
  self(): PeerEntry
  /** Verified entries of other peers of this network, by peer id. */
  catalog(): ReadonlyMap<PeerId, PeerEntry>
  onEvent(listener: (event: DiscoveryEvent) => void): () => void
  addTags(...tags: IdLike[]): void
  removeTags(...tags: IdLike[]): void
  /** Announce (at once) that this peer is a member of the group; used by the groups layer. */
  joinGroup(groupId: IdLike): void
  leaveGroup(groupId: IdLike): void
  /** Peers in the catalog that announce membership of `groupId`. */
  peersInGroup(groupId: IdLike): PeerId[]
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
  /** A per-network singleton created on first use and stopped (in reverse order) by `stop()`. */
  service<T extends NetworkService>(key: string, create: () => T): T
}
