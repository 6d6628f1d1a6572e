import type { PeerId } from '../../core/id.js'
import type { TimerHandle } from '../timers.js'
import type { SyncHost } from './host.js'
import type { SyncMessage } from './messages.js'

/** A snapshot installed by a finished session. */
export interface FetchedSnapshot {
  readonly index: number
  readonly term: number
  readonly items: unknown[]
  /** Members that served at least one batch. */
  readonly sources: PeerId[]
}

/** How long to collect offers after the first, so batches spread over several members. */
const OFFER_WINDOW_MS = 100

/**
 * The fetching half of mosaik's SnapshotSync, on a laggard: asks the leader, picks the
 * highest offered snapshot at or past `minIndex`, fetches its batches from every member
 * that offered it in parallel (one request in flight per member, `fetchTimeout` each),
 * and hands the items over. Fails after `snapshotRequestTimeout` without an offer, or
 * when no member can serve a missing batch; the driver then starts a new session.
 */
export class SyncSession {
  readonly #host: SyncHost
  readonly #minIndex: number
  readonly #done: (result: FetchedSnapshot | Error) => void
  readonly #offers = new Map<number, { term: number; items: number; peers: Set<PeerId> }>()
  #anchor: { index: number; term: number; items: number } | undefined
  readonly #pool = new Set<PeerId>()
  readonly #todo: number[] = []
  readonly #inflight = new Map<PeerId, { start: number; end: number; timer: TimerHandle }>()
  readonly #batches = new Map<number, unknown[]>()
  readonly #sources = new Set<PeerId>()
  #timer: TimerHandle | undefined
  #finished = false
  /** A pull session: these members are asked for their current state directly, not the leader. */
  readonly #pullFrom: readonly PeerId[] | undefined
  #pulled = false

  constructor(
    host: SyncHost,
    minIndex: number,
    done: (result: FetchedSnapshot | Error) => void,
    sources?: readonly PeerId[],
  ) {
    this.#host = host
    this.#minIndex = minIndex
    this.#done = done
    this.#pullFrom = sources
  }

  /** True when this is a pull session that asked `peer` for its state. */
  pullsFrom(peer: PeerId): boolean {
    return this.#pullFrom?.includes(peer) ?? false
  }

  /** True for a session that pulls from chosen members rather than asking the leader. */
  get pulling(): boolean {
    return this.#pullFrom !== undefined
  }

  /** Asks the current leader (again, if a leader change lost the first request); a pull session asks its sources once. */
  request(): boolean {
    if (this.#pullFrom) {
      if (this.#pulled || this.#finished) return false
      this.#pulled = true
      this.#timer ??= this.#host.timers.after(this.#host.config.snapshotRequestTimeout, () =>
        this.#fail(new Error(`no snapshot offered within ${this.#host.config.snapshotRequestTimeout} ms`)),
      )
      let sent = false
      for (const p of this.#pullFrom) sent = this.#host.send(p, { type: 'pull' }) || sent
      if (!sent) this.#fail(new Error('no source to pull the state from'))
      return sent
    }
    const leader = this.#host.leader()
    if (this.#anchor || !leader || leader === this.#host.local) return false
    this.#timer ??= this.#host.timers.after(this.#host.config.snapshotRequestTimeout, () =>
      this.#fail(new Error(`no snapshot offered within ${this.#host.config.snapshotRequestTimeout} ms`)),
    )
    return this.#host.send(leader, { type: 'request' })
  }

  get fetching(): boolean {
    return this.#anchor !== undefined
  }

  offer(from: PeerId, m: Extract<SyncMessage, { type: 'offer' }>): void {
    if (this.#finished || m.index < this.#minIndex) return
    let o = this.#offers.get(m.index)
    if (!o) {
      o = { term: m.term, items: m.items, peers: new Set() }
      this.#offers.set(m.index, o)
    }
    o.peers.add(from)
    if (this.#anchor) {
      if (this.#anchor.index === m.index) {
        this.#pool.add(from)
        this.#pump()
      }
      return
    }
    // Start at once when every bonded member offered; otherwise after a short window.
    const everyone = (this.#pullFrom ?? this.#host.bonded()).every((p) => o.peers.has(p))
    if (everyone) this.#choose()
    else if (this.#offers.size === 1 && o.peers.size === 1) {
      this.#host.timers.cancel(this.#timer)
      this.#timer = this.#host.timers.after(OFFER_WINDOW_MS, () => this.#choose())
    }
  }

  data(from: PeerId, m: Extract<SyncMessage, { type: 'data' }>): void {
    const f = this.#inflight.get(from)
    if (this.#finished || !this.#anchor || !f || m.index !== this.#anchor.index || m.start !== f.start) return
    this.#host.timers.cancel(f.timer)
    this.#inflight.delete(from)
    const expected = f.end - f.start
    if (!m.items || m.items.length > expected || (m.items.length === 0 && expected > 0)) {
      // That member lost the snapshot (TTL) or answered nonsense: fetch the batch elsewhere.
      this.#pool.delete(from)
      this.#todo.unshift(f.start)
    } else {
      this.#batches.set(f.start, m.items)
      this.#sources.add(from)
      // A short answer (the batch did not fit in one frame): the rest is fetched next.
      if (m.items.length < expected) this.#todo.unshift(f.start + m.items.length)
    }
    this.#pump()
  }

  /** A member's bond went down: its in-flight batch goes back to the queue. */
  peerDown(peer: PeerId): void {
    this.#pool.delete(peer)
    const f = this.#inflight.get(peer)
    if (f) {
      this.#host.timers.cancel(f.timer)
      this.#inflight.delete(peer)
      this.#todo.unshift(f.start)
    }
    if (this.#anchor) this.#pump()
  }

  abort(): void {
    this.#finished = true
    this.#host.timers.cancel(this.#timer)
    for (const f of this.#inflight.values()) this.#host.timers.cancel(f.timer)
    this.#inflight.clear()
  }

  #choose(): void {
    if (this.#anchor || this.#finished) return
    this.#host.timers.cancel(this.#timer)
    this.#timer = undefined
    let best: number | undefined
    for (const i of this.#offers.keys()) if (best === undefined || i > best) best = i
    if (best === undefined) return
    const o = this.#offers.get(best) as { term: number; items: number; peers: Set<PeerId> }
    this.#anchor = { index: best, term: o.term, items: o.items }
    for (const p of o.peers) this.#pool.add(p)
    for (let s = 0; s < o.items; s += this.#host.config.fetchBatchSize) this.#todo.push(s)
    this.#host.telemetry({ phase: 'fetching', position: best, items: o.items, sources: [...o.peers] })
    this.#pump()
  }

  #pump(): void {
    const anchor = this.#anchor
    if (this.#finished || !anchor) return
    if (this.#todo.length === 0 && this.#inflight.size === 0) {
      this.#complete(anchor)
      return
    }
    // Members that are not the leader first: spare the leader (mosaik deprioritizes it).
    const leader = this.#host.leader()
    const idle = [...this.#pool].filter((p) => !this.#inflight.has(p)).sort((a, b) => +(a === leader) - +(b === leader))
    for (const peer of idle) {
      const start = this.#todo.shift()
      if (start === undefined) break
      const end = Math.min(anchor.items, start + this.#host.config.fetchBatchSize, this.#nextStart(start))
      const timer = this.#host.timers.after(this.#host.config.fetchTimeout, () => {
        this.#inflight.delete(peer)
        this.#pool.delete(peer)
        this.#todo.unshift(start)
        this.#pump()
      })
      this.#inflight.set(peer, { start, end, timer })
      if (!this.#host.send(peer, { type: 'fetch', index: anchor.index, start, end })) this.peerDown(peer)
    }
    if (this.#todo.length > 0 && this.#inflight.size === 0 && this.#pool.size === 0)
      this.#fail(new Error('no member can serve the snapshot any more'))
  }

  /** Batches may start anywhere after a short answer: never ask past the next known batch start. */
  #nextStart(start: number): number {
    let next = Number.POSITIVE_INFINITY
    for (const s of [...this.#todo, ...this.#batches.keys(), ...[...this.#inflight.values()].map((f) => f.start)])
      if (s > start && s < next) next = s
    return next
  }

  #complete(anchor: { index: number; term: number }): void {
    this.#finished = true
    const starts = [...this.#batches.keys()].sort((a, b) => a - b)
    const items: unknown[] = []
    for (const s of starts) for (const it of this.#batches.get(s) as unknown[]) items.push(it)
    this.#done({ index: anchor.index, term: anchor.term, items, sources: [...this.#sources].sort() })
  }

  #fail(err: Error): void {
    if (this.#finished) return
    this.abort()
    this.#done(err)
  }
}
