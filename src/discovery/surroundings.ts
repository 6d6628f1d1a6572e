import { type IdLike, type PeerId, UniqueId } from '../core/id.js'
import { Emitter } from '../core/watch.js'
import type { PeerStage, Surroundings } from '../network/types.js'

interface Connected {
  /** When the connection opened (the clock of `SurroundingsTracker`). */
  readonly since: number
  /** Speaks the catalog protocol; undefined until identified. */
  speaks: boolean | undefined
  /** Start sequence of the newest exchange we started that completed / failed; 0: none. */
  heard: number
  failed: number
  /** Start sequences of our exchanges in flight. */
  readonly pending: Set<number>
}

/**
 * Discovery's view of the peers it is connected to, for groups deciding whether a member is
 * alone (`Discovery.surroundings`). A pure bookkeeper: discovery reports connections,
 * identifications, exchanges it starts and their ends, bootstrap dials and group joins; every
 * report that can change a stage notifies listeners. Exchanges and joins share one sequence,
 * so "an exchange started after the member joined" is a comparison of two numbers.
 */
export class SurroundingsTracker {
  readonly #now: () => number
  readonly #peers = new Map<PeerId, Connected>()
  /** Sequence number of the last `joined` of each group (hex id). */
  readonly #joins = new Map<string, number>()
  readonly #changes = new Emitter<void>()
  #seq = 0
  #dialing = 0

  constructor(now: () => number = () => performance.now()) {
    this.#now = now
  }

  onChange(listener: () => void): () => void {
    return this.#changes.on(listener)
  }

  /** A group was joined: only exchanges started from now on count as `heard` for it. */
  joined(group: IdLike): void {
    this.#joins.set(UniqueId.from(group).toString(), ++this.#seq)
    this.#changed()
  }

  left(group: IdLike): void {
    this.#joins.delete(UniqueId.from(group).toString())
  }

  connected(peer: PeerId): void {
    if (this.#peers.has(peer)) return
    this.#peers.set(peer, { since: this.#now(), speaks: undefined, heard: 0, failed: 0, pending: new Set() })
    this.#changed()
  }

  disconnected(peer: PeerId): void {
    if (this.#peers.delete(peer)) this.#changed()
  }

  /** Identify told whether `peer` speaks the catalog protocol. */
  identified(peer: PeerId, speaks: boolean): void {
    const p = this.#peers.get(peer)
    if (!p || p.speaks === speaks) return
    p.speaks = speaks
    this.#changed()
  }

  /** Connected peers that speak the catalog protocol and that no exchange of ours since `group`'s join covers (none in flight either). */
  unheard(group: IdLike): PeerId[] {
    const joinedAt = this.#joins.get(UniqueId.from(group).toString())
    if (joinedAt === undefined) return []
    return [...this.#peers]
      .filter(
        ([, p]) => p.speaks && p.heard < joinedAt && p.failed < joinedAt && ![...p.pending].some((s) => s >= joinedAt),
      )
      .map(([peer]) => peer)
  }

  /** Connected peers that speak the catalog protocol. */
  catalogPeers(): PeerId[] {
    return [...this.#peers].filter(([, p]) => p.speaks).map(([peer]) => peer)
  }

  /** We start an exchange with `peer`; call the returned function with its outcome. */
  exchangeStarted(peer: PeerId): (ok: boolean) => void {
    const seq = ++this.#seq
    this.#peers.get(peer)?.pending.add(seq)
    this.#changed()
    return (ok) => {
      const p = this.#peers.get(peer)
      if (!p) return
      p.pending.delete(seq)
      if (ok) p.heard = Math.max(p.heard, seq)
      else p.failed = Math.max(p.failed, seq)
      this.#changed()
    }
  }

  /** A bootstrap dial started; call the returned function once when it settles. */
  dialStarted(): () => void {
    this.#dialing++
    this.#changed()
    let settled = false
    return () => {
      if (settled) return
      settled = true
      this.#dialing--
      this.#changed()
    }
  }

  /** Tracks one bootstrap dial until it settles. */
  dialing(dial: Promise<unknown>): void {
    const done = this.dialStarted()
    dial.then(done, done)
  }

  /** The surroundings of a member of `group` (see `PeerStage`). */
  surroundings(group: IdLike): Surroundings {
    const joinedAt = this.#joins.get(UniqueId.from(group).toString()) ?? Number.POSITIVE_INFINITY
    const now = this.#now()
    const peers = [...this.#peers].map(([peer, p]) => ({ peer, waitedMs: now - p.since, stage: stageOf(p, joinedAt) }))
    return { dialing: this.#dialing, peers }
  }

  clear(): void {
    this.#peers.clear()
    this.#joins.clear()
    this.#changes.clear()
  }

  #changed(): void {
    this.#changes.emit()
  }
}

function stageOf(p: Connected, joinedAt: number): PeerStage {
  if (p.speaks === undefined) return 'identifying'
  if (!p.speaks) return 'foreign'
  if (p.heard >= joinedAt) return 'heard'
  for (const seq of p.pending) if (seq >= joinedAt) return 'exchanging'
  if (p.failed >= joinedAt) return 'unheard'
  // No exchange of ours since the join yet: one is about to start (joining starts them).
  return 'exchanging'
}
