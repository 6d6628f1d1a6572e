/**
 * The batch draft of the devtools reducer: copy-on-first-write of the state tree (each object
 * is copied at most once per batch), bounded arrays, and the small record helpers (replicas,
 * commit timeline, leader marks, event log) every part of the reducer shares.
 */
import type { PeerId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import type { CommitPoint, DevtoolsState, GroupInfo, HistoryLimits, NodeInfo, ReplicaInfo } from './state.js'

/** `T` with its top-level fields writable (only ever on a copy owned by the current batch). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** One batch's copy-on-write view of a `DevtoolsState`. */
export class Draft {
  readonly #owned = new Set<object>()
  readonly root: Mutable<DevtoolsState>
  readonly #limits: HistoryLimits
  #seq: number

  constructor(state: DevtoolsState, limits: HistoryLimits, seq: number) {
    this.root = this.own(state)
    this.#limits = limits
    this.#seq = seq
  }

  get seq(): number {
    return this.#seq
  }

  /** A copy of `o` that may be mutated during this batch (the same copy on every call). */
  own<T extends object>(o: T): Mutable<T> {
    if (this.#owned.has(o)) return o as Mutable<T>
    const copy = (Array.isArray(o) ? [...o] : { ...o }) as Mutable<T>
    this.#owned.add(copy)
    return copy
  }

  fresh<T extends object>(o: T): Mutable<T> {
    this.#owned.add(o)
    return o as Mutable<T>
  }

  /** Appends to a bounded array field, dropping the oldest items past `cap`. */
  push<T>(array: readonly T[], item: T, cap: number): T[] {
    const out = this.own(array) as T[]
    out.push(item)
    if (out.length > cap) out.splice(0, out.length - cap)
    return out
  }

  node(peer: PeerId): Mutable<NodeInfo> {
    const nodes = this.own(this.root.nodes)
    this.root.nodes = nodes
    const current = nodes[peer]
    const next = current
      ? this.own(current)
      : this.fresh<NodeInfo>({ peer, addresses: [], running: true, connected: {}, discovered: {}, rejected: 0 })
    nodes[peer] = next
    return next
  }

  group(id: string, create = true): Mutable<GroupInfo> | undefined {
    const current = this.root.groups[id]
    if (!current && !create) return undefined
    const groups = this.own(this.root.groups)
    this.root.groups = groups
    const next = current
      ? this.own(current)
      : this.fresh<GroupInfo>({ id, replicas: {}, mesh: {}, leaders: [], reverts: [] })
    groups[id] = next
    return next
  }

  replica(g: Mutable<GroupInfo>, peer: PeerId): Mutable<ReplicaInfo> {
    const replicas = this.own(g.replicas)
    g.replicas = replicas
    const current = replicas[peer]
    const next = current
      ? this.own(current)
      : this.fresh<ReplicaInfo>({
          peer,
          preference: 'normal',
          role: 'follower',
          term: 0,
          leader: undefined,
          commit: 0,
          applied: 0,
          logLength: 0,
          online: false,
          active: true,
          bonds: {},
          reverted: 0,
          refused: [],
          commits: [],
        })
    replicas[peer] = next
    return next
  }

  /** Adds a timeline point, merging it into the previous one when they are closer than the resolution. */
  commitPoint(r: Mutable<ReplicaInfo>, point: CommitPoint): void {
    const last = r.commits[r.commits.length - 1]
    if (last && last.version === point.version && !point.reverted) return
    if (last && !last.reverted && !point.reverted && point.at - last.at < this.#limits.timelineResolution) {
      const commits = this.own(r.commits)
      commits[commits.length - 1] = { at: last.at, version: point.version }
      r.commits = commits
      return
    }
    r.commits = this.push(r.commits, point, this.#limits.historySize)
  }

  leaderChange(g: Mutable<GroupInfo>, at: number, term: number, leader: PeerId | undefined, seenBy: PeerId): void {
    if (leader === undefined) return
    // Every replica reports the same election; record it once.
    for (let i = g.leaders.length - 1; i >= 0 && i >= g.leaders.length - 8; i--) {
      const l = g.leaders[i]!
      if (l.term === term && l.leader === leader) return
    }
    g.leaders = this.push(g.leaders, { at, term, leader, seenBy }, this.#limits.markSize)
  }

  log(event: TelemetryEvent, text: string): void {
    this.#seq += 1
    this.root.events = this.push(
      this.root.events,
      { seq: this.#seq, at: event.at, type: event.type, peer: event.peer, text },
      this.#limits.eventLogSize,
    )
  }

  /** Forgets the oldest stopped nodes beyond the limit. */
  trimStopped(): void {
    const stopped = Object.values(this.root.nodes).filter((n) => !n.running)
    if (stopped.length <= this.#limits.stoppedNodes) return
    stopped.sort((x, y) => (x.stoppedAt ?? 0) - (y.stoppedAt ?? 0))
    const nodes = this.own(this.root.nodes)
    this.root.nodes = nodes
    for (const n of stopped.slice(0, stopped.length - this.#limits.stoppedNodes)) delete nodes[n.peer]
  }

  limits(): HistoryLimits {
    return this.#limits
  }
}
