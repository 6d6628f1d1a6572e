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
  | { type: 'peer.connected'; at: number; peer: PeerId; remote: PeerId }
  | { type: 'peer.disconnected'; at: number; peer: PeerId; remote: PeerId }
  | {
      type: 'discovery.discovered' | 'discovery.updated' | 'discovery.departed'
      at: number
      peer: PeerId
      remote: PeerId
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

export type TelemetryType = TelemetryEvent['type']
