import type { RejectReason } from './errors.js'
import type { PeerId } from './id.js'

/**
 * Everything the runtime reports about itself, for devtools and tests. Events are
 * plain data (ids as hex strings) so they can be stored, serialised and diffed.
 * `at` is `performance.now()` of the emitting process.
 */
export type TelemetryEvent =
  | { type: 'network.started'; at: number; network: string; peer: PeerId; addresses: string[] }
  | { type: 'network.stopped'; at: number; network: string; peer: PeerId }
  | {
      type: 'network.status'
      at: number
      peer: PeerId
      status: 'starting' | 'connecting' | 'online' | 'offline' | 'stopped'
      peers: number
      relays: number
      reason?: string
    }
  | { type: 'peer.connected'; at: number; peer: PeerId; remote: PeerId }
  | { type: 'peer.disconnected'; at: number; peer: PeerId; remote: PeerId }
  | {
      type: 'discovery.discovered' | 'discovery.updated' | 'discovery.departed'
      at: number
      peer: PeerId
      remote: PeerId
    }
  | {
      /** A peer announces a store we have under another group: mismatched options. Ids are prefixes. */
      type: 'discovery.mismatch'
      at: number
      peer: PeerId
      remote: PeerId
      store: string
      group: string
      remoteGroup: string
      /** The options that differ, when known: `typeName`, `sync`, `consensus`. */
      differs: string[]
      detail: string
    }
  | {
      type: 'input.rejected'
      at: number
      peer: PeerId
      remote: PeerId | undefined
      protocol: string
      reason: RejectReason
      detail: string
    }
  | GroupTelemetry
  | StreamTelemetry
  | PersistTelemetry

/**
 * Per-stream telemetry; `stream` is the stream id hex, `role` the local side. `stream.stats`
 * comes about once a second while counters move: totals since the producer or consumer opened
 * (devtools derive rates from successive samples); `lag` is the largest per-link backlog.
 */
export type StreamTelemetry =
  | { type: 'stream.opened'; at: number; peer: PeerId; stream: string; role: 'producer' | 'consumer' }
  | { type: 'stream.closed'; at: number; peer: PeerId; stream: string; role: 'producer' | 'consumer' }
  | {
      type: 'stream.link'
      at: number
      peer: PeerId
      stream: string
      role: 'producer' | 'consumer'
      remote: PeerId
      up: boolean
      reason?: string
    }
  | { type: 'stream.rtt'; at: number; peer: PeerId; remote: PeerId; ms: number }
  | {
      type: 'stream.refused'
      at: number
      peer: PeerId
      stream: string
      role: 'producer' | 'consumer'
      remote: PeerId
      reason: string
    }
  | {
      type: 'stream.stats'
      at: number
      peer: PeerId
      stream: string
      role: 'producer' | 'consumer'
      links: number
      datums: number
      bytes: number
      dropped: number
      refused: number
      lag: number
    }

/**
 * The persisted store (`NetworkOptions.persist`): `recovered` = a torn or damaged tail was cut
 * off on open (what it held was never acknowledged); `refused` = a store could not be used
 * (`foreign`, `corrupt`, `locked`: another process or tab holds it) and this network or group
 * runs without it; `failed` = a write failed (`quota`, `io`) and the group stopped persisting.
 */
export type PersistTelemetry = {
  type: 'persist.recovered' | 'persist.refused' | 'persist.failed'
  at: number
  peer: PeerId
  /** The group id hex, or `'network'` for the store as a whole. */
  namespace: string
  kind?: 'foreign' | 'corrupt' | 'io' | 'quota' | 'locked' | 'unsupported'
  records?: number
  droppedBytes?: number
  detail: string
}

/** Per-group telemetry; `group` is the group id hex, `store` the collection store id hex when there is one. */
export type GroupTelemetry =
  | {
      type: 'group.joined'
      at: number
      peer: PeerId
      group: string
      store?: string
      kind?: string
      preference: 'normal' | 'reluctant' | 'observer'
    }
  | { type: 'group.left'; at: number; peer: PeerId; group: string }
  | {
      type: 'group.state'
      at: number
      peer: PeerId
      group: string
      role: 'leader' | 'follower' | 'candidate'
      term: number
      leader: PeerId | undefined
      commit: number
      applied: number
      logLength: number
      online: boolean
    }
  | { type: 'group.committed'; at: number; peer: PeerId; group: string; version: number; count: number }
  | {
      type: 'group.bond'
      at: number
      peer: PeerId
      group: string
      remote: PeerId
      up: boolean
      remotePreference?: 'normal' | 'reluctant' | 'observer'
    }
  | { type: 'group.mesh'; at: number; peer: PeerId; group: string; a: PeerId; b: PeerId; up: boolean }
  | {
      type: 'group.vote'
      at: number
      peer: PeerId
      group: string
      term: number
      candidate: PeerId
      vote: 'granted' | 'denied' | 'abstained'
    }
  | {
      type: 'group.sync'
      at: number
      peer: PeerId
      group: string
      phase: 'started' | 'fetching' | 'installed' | 'failed'
      position?: number
      items?: number
      sources?: PeerId[]
    }
  | { type: 'group.reverted'; at: number; peer: PeerId; group: string; version: number }
  /**
   * A bond refused or dropped because the peer's tickets do not grant membership (`reason`
   * is the ticket check's, such as `missing`, `expired`, `bad-signature`), or a frame refused
   * because the peer's granted role may not send it (`reason` `role`).
   */
  | { type: 'group.refused'; at: number; peer: PeerId; group: string; remote: PeerId; reason: string; detail: string }
  /** A collection replica's entry count changed (keys, elements); one per applied batch at most. */
  | { type: 'group.size'; at: number; peer: PeerId; group: string; size: number }

export type TelemetryType = TelemetryEvent['type']
