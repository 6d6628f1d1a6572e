/**
 * The shape of the devtools state: plain, immutable data keyed by peer id and group id
 * (hex). Every object keeps its identity until something in it changes, so selectors on
 * one group or one replica do not re-render when another one moves.
 */
import type { RejectReason } from '../core/errors.js'
import type { PeerId } from '../core/id.js'

export type Role = 'leader' | 'follower' | 'candidate'
export type Preference = 'normal' | 'reluctant' | 'observer'

/** One point of a replica's version timeline (`at` is `performance.now()`). */
export interface CommitPoint {
  readonly at: number
  readonly version: number
  /** The committed state moved back to `version` here (default consistency mode). */
  readonly reverted?: boolean
}

export interface LeaderChange {
  readonly at: number
  readonly term: number
  readonly leader: PeerId | undefined
  /** The replica that reported it first. */
  readonly seenBy: PeerId
}

export interface RevertMark {
  readonly at: number
  readonly peer: PeerId
  /** The version the replica moved back to. */
  readonly version: number
  /** Committed entries (writes and no-ops) the replica rolled back: its commit before, minus `version`. */
  readonly dropped: number
}

export interface Bond {
  readonly up: boolean
  readonly at?: number
  readonly preference?: Preference
}

export interface SyncSession {
  readonly at: number
  readonly phase: 'started' | 'fetching' | 'installed' | 'failed'
  readonly position?: number
  readonly items?: number
  readonly sources?: readonly PeerId[]
}

/** A bond this member refused or dropped (its peer's tickets did not grant membership), or a frame its role may not send. */
export interface RefusedBond {
  readonly at: number
  readonly remote: PeerId
  /** The ticket check's reason (`missing`, `expired`, `bad-signature` …) or `role`. */
  readonly reason: string
  readonly detail: string
}

export interface VoteRecord {
  readonly at: number
  readonly term: number
  readonly candidate: PeerId
  readonly vote: 'granted' | 'denied' | 'abstained'
}

/** One member's view of a group, as it reports it. */
export interface ReplicaInfo {
  readonly peer: PeerId
  readonly preference: Preference
  readonly role: Role
  readonly term: number
  readonly leader: PeerId | undefined
  readonly commit: number
  readonly applied: number
  readonly logLength: number
  readonly online: boolean
  /** False once the replica left the group or its network stopped. */
  readonly active: boolean
  readonly bonds: Readonly<Record<PeerId, Bond>>
  readonly lastVote?: VoteRecord
  readonly sync?: SyncSession
  readonly reverted: number
  /** Refusals this member reported, newest last; bounded by `markSize`. */
  readonly refused: readonly RefusedBond[]
  /** Entries of a collection replica (keys, elements), once it reported one. */
  readonly size?: number
  /** Bounded: the newest `historySize` points, coalesced to `timelineResolution`. */
  readonly commits: readonly CommitPoint[]
}

export interface MeshEdge {
  readonly a: PeerId
  readonly b: PeerId
  readonly up: boolean
  readonly at: number
}

export interface GroupInfo {
  readonly id: string
  readonly store?: string
  readonly kind?: string
  readonly replicas: Readonly<Record<PeerId, ReplicaInfo>>
  /** Keyed by the two peer ids sorted and joined with `|`. */
  readonly mesh: Readonly<Record<string, MeshEdge>>
  /** Bounded. */
  readonly leaders: readonly LeaderChange[]
  /** Bounded. */
  readonly reverts: readonly RevertMark[]
}

/** One in-page (or attached) node: a `Network`. */
export interface NodeInfo {
  readonly peer: PeerId
  readonly network?: string
  readonly addresses: readonly string[]
  readonly running: boolean
  readonly startedAt?: number
  readonly stoppedAt?: number
  readonly connected: Readonly<Record<PeerId, true>>
  readonly discovered: Readonly<Record<PeerId, true>>
  readonly rejected: number
  /** The node's connectivity as its `useNetworkStatus()` shows it (last `network.status`). */
  readonly status?: NodeStatus
}

/** A node's last reported connectivity. */
export interface NodeStatus {
  readonly status: 'starting' | 'connecting' | 'online' | 'offline' | 'stopped'
  readonly peers: number
  readonly relays: number
  readonly reason: string | undefined
  readonly at: number
}

export interface RejectedInput {
  readonly at: number
  readonly peer: PeerId
  readonly remote: PeerId | undefined
  readonly protocol: string
  readonly reason: RejectReason
  readonly detail: string
}

/** A line of the event log (`group.committed` and unchanged `group.state` are not logged). */
export interface LoggedEvent {
  readonly seq: number
  readonly at: number
  readonly type: string
  readonly peer: PeerId
  readonly text: string
}

/** One side of a stream on one peer, as its `stream.*` telemetry reports it. */
export interface StreamEndpoint {
  readonly peer: PeerId
  readonly role: 'producer' | 'consumer'
  /** Remote peers linked now. */
  readonly links: Readonly<Record<PeerId, true>>
  /** Totals since the endpoint opened. */
  readonly datums: number
  readonly bytes: number
  readonly dropped: number
  readonly refused: number
  /** Largest per-link backlog in the last sample. */
  readonly lag: number
  /** Datums per second between the last two samples. */
  readonly rate: number
  /** `at` of the last sample. */
  readonly at: number
}

/** A stream id (hex) and its producers and consumers across the observed peers. */
export interface StreamInfo {
  readonly id: string
  readonly producers: Readonly<Record<PeerId, StreamEndpoint>>
  readonly consumers: Readonly<Record<PeerId, StreamEndpoint>>
}

/** A store a peer opened with options that give another group (from `discovery.mismatch`). */
export interface StoreWarning {
  readonly at: number
  readonly peer: PeerId
  readonly remote: PeerId
  /** Store and group id prefixes (16 hex). */
  readonly store: string
  readonly group: string
  readonly remoteGroup: string
  /** Differing options when known: `typeName`, `sync`, `consensus`. */
  readonly differs: readonly string[]
  readonly detail: string
}

export interface DevtoolsState {
  readonly nodes: Readonly<Record<PeerId, NodeInfo>>
  readonly groups: Readonly<Record<string, GroupInfo>>
  /** Streams by id hex (ephemeral pub/sub; see `StreamInfo`). */
  readonly streams: Readonly<Record<string, StreamInfo>>
  /** Store id hex → group id hex. */
  readonly storeIndex: Readonly<Record<string, string>>
  /** Bounded. */
  readonly events: readonly LoggedEvent[]
  /** Bounded. */
  readonly rejected: readonly RejectedInput[]
  /** Stores a peer opened under another group (mismatched options); newest last, bounded like `rejected`. */
  readonly warnings: readonly StoreWarning[]
  /** Newest `at` seen; the right edge of timelines. */
  readonly now: number
  readonly totals: { readonly events: number; readonly rejected: number; readonly reverts: number }
}

export const EMPTY_STATE: DevtoolsState = Object.freeze({
  nodes: {},
  groups: {},
  streams: {},
  storeIndex: {},
  events: [],
  rejected: [],
  warnings: [],
  now: 0,
  totals: { events: 0, rejected: 0, reverts: 0 },
})

/** Sizes of the bounded buffers. Memory stays flat however long the app runs. */
export interface HistoryLimits {
  /** Timeline points per replica (default 300). */
  historySize: number
  /** Points closer than this (ms) are merged into one (default 100). */
  timelineResolution: number
  /** Leader changes and reverts kept per group (default 64). */
  markSize: number
  /** Event log lines (default 200). */
  eventLogSize: number
  /** Rejected inputs kept (default 50). */
  rejectedSize: number
  /** Stopped nodes kept for display (default 16); older ones are forgotten. */
  stoppedNodes: number
  /** Bonds that are down kept per replica and per group mesh (default 32); older ones are forgotten. */
  downBonds: number
}

export const DEFAULT_LIMITS: Readonly<HistoryLimits> = Object.freeze({
  historySize: 300,
  timelineResolution: 100,
  markSize: 64,
  eventLogSize: 200,
  rejectedSize: 50,
  stoppedNodes: 16,
  downBonds: 32,
})

export function edgeKey(a: PeerId, b: PeerId): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`
}
