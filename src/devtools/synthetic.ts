/**
 * A fake cluster that emits the telemetry a real one would, without a network. For the
 * devtools' own tests and a story that shows the views in isolation; not part of the
 * public API.
 */

import type { PeerId } from '../core/id.js'
import { UniqueId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import type { TelemetrySource } from './store.js'

/** One in-page fake node: a `TelemetrySource` whose events are emitted by `SyntheticCluster`. */
export class SyntheticNode implements TelemetrySource {
  readonly peerId: PeerId
  readonly #listeners = new Set<(e: TelemetryEvent) => void>()
  constructor(peerId: PeerId) {
    this.peerId = peerId
  }
  onTelemetry(listener: (e: TelemetryEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
  get listenerCount(): number {
    return this.#listeners.size
  }
  emit(event: TelemetryEvent): void {
    for (const l of this.#listeners) l(event)
  }
}

export interface SyntheticOptions {
  writers?: number
  readers?: number
  storeId?: string
  now?: () => number
}

/** A cell group of `writers` + `readers` fake nodes with a leader, commits, failover and partitions. */
export class SyntheticCluster {
  readonly nodes: SyntheticNode[]
  readonly group: string
  readonly store: string
  readonly #observers = new Set<PeerId>()
  readonly #now: () => number
  readonly #down = new Set<PeerId>()
  term = 1
  version = 0
  leader: PeerId | undefined

  constructor(options: SyntheticOptions = {}) {
    const { writers = 3, readers = 0, storeId = 'synthetic.cell' } = options
    this.#now = options.now ?? (() => performance.now())
    this.store = UniqueId.from(storeId).toString()
    this.group = UniqueId.from(storeId).derive('synthetic').toString()
    this.nodes = Array.from({ length: writers + readers }, (_, i) => {
      const node = new SyntheticNode(`12D3KooWSynthetic${'x'.repeat(28)}node-${i}`)
      if (i >= writers) this.#observers.add(node.peerId)
      return node
    })
  }

  #emit(node: SyntheticNode, event: Record<string, unknown>): void {
    node.emit({ at: this.#now(), peer: node.peerId, ...event } as TelemetryEvent)
  }

  get live(): SyntheticNode[] {
    return this.nodes.filter((n) => !this.#down.has(n.peerId))
  }

  /** Starts every node, bonds them all and elects the first writer. */
  start(): void {
    for (const n of this.nodes) {
      this.#emit(n, { type: 'network.started', network: 'synthetic', addresses: [] })
      const preference = this.#observers.has(n.peerId) ? 'observer' : 'normal'
      this.#emit(n, { type: 'group.joined', group: this.group, store: this.store, kind: 'cell', preference })
    }
    for (const n of this.nodes) {
      for (const m of this.nodes) {
        if (m === n) continue
        const remotePreference = this.#observers.has(m.peerId) ? 'observer' : 'normal'
        this.#emit(n, { type: 'group.bond', group: this.group, remote: m.peerId, up: true, remotePreference })
      }
    }
    this.elect(this.nodes[0]!.peerId)
  }

  #state(n: SyntheticNode): void {
    this.#emit(n, {
      type: 'group.state',
      group: this.group,
      role: n.peerId === this.leader ? 'leader' : 'follower',
      term: this.term,
      leader: this.leader,
      commit: this.version,
      applied: this.version,
      logLength: this.version,
      online: this.leader !== undefined,
    })
  }

  elect(leader: PeerId): void {
    this.term += 1
    this.leader = leader
    for (const n of this.live) {
      this.#emit(n, { type: 'group.vote', group: this.group, term: this.term, candidate: leader, vote: 'granted' })
      this.#state(n)
    }
  }

  /** One committed write, seen by every live node. */
  write(count = 1): void {
    this.version += count
    for (const n of this.live)
      this.#emit(n, { type: 'group.committed', group: this.group, version: this.version, count })
  }

  /** Stops the leader and elects the next live writer. */
  failover(): void {
    const old = this.leader
    const oldNode = this.nodes.find((n) => n.peerId === old)
    if (oldNode) {
      this.#emit(oldNode, { type: 'network.stopped', network: 'synthetic' })
      this.#down.add(oldNode.peerId)
      for (const n of this.live)
        this.#emit(n, { type: 'group.bond', group: this.group, remote: oldNode.peerId, up: false })
    }
    const next = this.live.find((n) => !this.#observers.has(n.peerId))
    if (next) this.elect(next.peerId)
  }

  /** A replica reports that its committed state moved back to `version`. */
  revert(peer: PeerId, version: number): void {
    const node = this.nodes.find((n) => n.peerId === peer)
    if (node) this.#emit(node, { type: 'group.reverted', group: this.group, version })
  }
}
