import type { PeerId } from '../../core/id.js'
import type { TimerHandle } from '../timers.js'
import type { SyncHost } from './host.js'
import type { LineageView } from './lineage.js'
import type { SyncMessage } from './messages.js'
import { syncPlants } from './plants.js'

/** A snapshot installed by a finished session. */
export interface FetchedSnapshot {
  readonly index: number
  readonly term: number
  readonly items: unknown[]
  /** `Entry.leader` of the entry at `index`, as the sources offered it (log matching after the install). */
  readonly leader?: string
  /** Who wrote the history up to `index`, as the chosen offer said (see `Lineage`). */
  readonly lineage?: LineageView
  /** Members that served at least one batch. */
  readonly sources: PeerId[]
}

/** What an offer claims of the entry at its index. */
export interface SnapshotPointClaim {
  readonly index: number
  readonly term: number
  readonly leader: string | undefined
}

interface Offer {
  readonly index: number
  readonly term: number
  readonly items: number
  readonly leader: string | undefined
  readonly lineage: LineageView | undefined
}

/** Two offers of the same state: same point, and the same leader wrote the entry there (rival leaders of one term differ). */
function samePoint(a: { index: number; term: number; leader: string | undefined }, b: Offer): boolean {
  return a.index === b.index && a.term === b.term && a.leader === b.leader
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
  /** The latest offer of each peer asked. */
  readonly #offers = new Map<PeerId, Offer>()
  /** The offer window is running (see `vouchChanged`). */
  #window = false
  readonly #vouch: (() => number | undefined) | undefined
  #anchor: Offer | undefined
  readonly #pool = new Set<PeerId>()
  /** Batch starts to fetch again (failed or short answers); fresh ones come from `#cursor`. */
  readonly #todo: number[] = []
  /**
   * Next batch start never asked for. Batches are made as they are fetched, never all at once
   * from the offer's `items` claim: what we hold grows with the bytes received.
   */
  #cursor = 0
  readonly #inflight = new Map<PeerId, { start: number; end: number; timer: TimerHandle }>()
  readonly #batches = new Map<number, unknown[]>()
  readonly #sources = new Set<PeerId>()
  #timer: TimerHandle | undefined
  #finished = false
  /** A pull session: these members are asked for their current state directly, not the leader. */
  readonly #pullFrom: readonly PeerId[] | undefined
  #pulled = false
  /** Offers must also pass this check (a leader's resync: the offered point is in its own log). */
  readonly #accept: ((point: SnapshotPointClaim) => boolean) | undefined

  /**
   * `vouch` caps what an offer may claim: the leader's announced commit, or for a pull with
   * `accept` (a leader pulling its own state back) its own commit; a pull without it takes
   * offers at `minIndex` only.
   */
  constructor(
    host: SyncHost,
    minIndex: number,
    done: (result: FetchedSnapshot | Error) => void,
    sources?: readonly PeerId[],
    vouch?: () => number | undefined,
    accept?: (point: SnapshotPointClaim) => boolean,
  ) {
    this.#host = host
    this.#minIndex = minIndex
    this.#done = done
    this.#pullFrom = sources
    this.#vouch = vouch
    this.#accept = accept
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

  /**
   * An offer counts only from a peer this session asked: a pull session's sources, or (asking
   * the leader) a bonded member, and only at or below the position vouched for: the commit the
   * leader announced (a `snap` entry the leader committed), or a pull's agreed target. Other
   * offers are refused and counted; offers above the vouched position wait for it. One offer
   * per peer is kept, so a peer cannot grow this session's state by offering many snapshots.
   */
  offer(from: PeerId, m: Extract<SyncMessage, { type: 'offer' }>): void {
    if (this.#finished || m.index < this.#minIndex) return
    const asked = this.#pullFrom ? this.#pullFrom.includes(from) : this.#host.bonded().includes(from)
    if (!asked) {
      this.#host.refused?.(from, 'a snapshot offer nobody asked for')
      return
    }
    const offer: Offer = { index: m.index, term: m.term, items: m.items, leader: m.leader, lineage: m.lineage }
    // An offer that qualifies is not replaced by one that does not (yet): a peer offering
    // past the vouched position over and over cannot starve the offer that can be fetched.
    const kept = this.#offers.get(from)
    if (!this.#anchor && kept && kept.index <= this.#cap() && offer.index > this.#cap()) return
    this.#offers.set(from, offer)
    if (this.#anchor) {
      if (samePoint(this.#anchor, offer)) {
        this.#pool.add(from)
        this.#pump()
      }
      return
    }
    this.vouchChanged()
  }

  /** The position vouched for rose (the leader announced a higher commit): offers may now qualify. */
  vouchChanged(): void {
    if (this.#anchor || this.#finished) return
    const eligible = this.#eligible()
    if (eligible.length === 0) return
    // Start at once when every bonded member offered; otherwise after a short window.
    const everyone = (this.#pullFrom ?? this.#host.bonded()).every((p) => eligible.some(([q]) => q === p))
    if (everyone) this.#choose()
    else if (!this.#window) {
      this.#window = true
      this.#host.timers.cancel(this.#timer)
      this.#timer = this.#host.timers.after(OFFER_WINDOW_MS, () => this.#choose())
    }
  }

  /** Highest position an offer may have: a pull's target, or the commit the leader announced. */
  #cap(): number {
    if (this.#pullFrom && !this.#accept) return this.#minIndex
    // Without a vouch (a session driven by hand, as in unit tests) every offer qualifies.
    if (!this.#vouch || syncPlants.unvouchedOffers) return Number.POSITIVE_INFINITY
    return this.#vouch() ?? -1
  }

  #eligible(): [PeerId, Offer][] {
    const cap = this.#cap()
    return [...this.#offers].filter(([, o]) => o.index <= cap && (this.#accept?.(o) ?? true))
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

  /**
   * A bond to `peer` came up, or replaced the one we had (two peers dialing each other at
   * once keep one bond and close the other, losing what was in flight on it). What we sent
   * that member and still wait for is asked again on the live bond, instead of waiting out
   * `fetchTimeout` and dropping the member: the batch in flight goes back to the queue and
   * a member that offered the snapshot being fetched is (again) in the pool; an unanswered
   * `request` or `pull` is sent again.
   */
  peerUp(peer: PeerId): void {
    if (this.#finished) return
    if (this.#anchor) {
      const f = this.#inflight.get(peer)
      if (f) {
        this.#host.timers.cancel(f.timer)
        this.#inflight.delete(peer)
        this.#todo.unshift(f.start)
      }
      const o = this.#offers.get(peer)
      if (o && samePoint(this.#anchor, o)) this.#pool.add(peer)
      this.#pump()
      return
    }
    if (this.#pullFrom) {
      const offered = this.#offers.has(peer)
      if (this.#pulled && !offered && this.#pullFrom.includes(peer)) this.#host.send(peer, { type: 'pull' })
    } else if (this.#timer !== undefined && this.#offers.size === 0 && peer === this.#host.leader()) {
      this.#host.send(peer, { type: 'request' })
    }
  }

  abort(): void {
    this.#finished = true
    this.#host.timers.cancel(this.#timer)
    for (const f of this.#inflight.values()) this.#host.timers.cancel(f.timer)
    this.#inflight.clear()
  }

  #choose(): void {
    if (this.#anchor || this.#finished) return
    const eligible = this.#eligible()
    let best: Offer | undefined
    for (const [, o] of eligible) if (!best || o.index > best.index) best = o
    if (!best) {
      // Nothing vouched for yet: wait for the leader's commit, within the request timeout.
      this.#window = false
      this.#timer = this.#host.timers.after(this.#host.config.snapshotRequestTimeout, () =>
        this.#fail(new Error('no offer at a position the leader vouched for')),
      )
      return
    }
    this.#host.timers.cancel(this.#timer)
    this.#timer = undefined
    const at = best
    const same = eligible.filter(([, o]) => samePoint(at, o))
    // The item count most of them claim (ties: the smaller); a liar's count only slows the fetch.
    const counts = new Map<number, number>()
    for (const [, o] of same) counts.set(o.items, (counts.get(o.items) ?? 0) + 1)
    let items = at.items
    let votes = 0
    for (const [n, c] of counts) if (c > votes || (c === votes && n < items)) [items, votes] = [n, c]
    this.#anchor = { ...at, items }
    for (const [p] of same) this.#pool.add(p)
    this.#cursor = 0
    const sources = same.map(([p]) => p)
    this.#host.telemetry({ phase: 'fetching', position: at.index, items, sources })
    this.#pump()
  }

  #pump(): void {
    const anchor = this.#anchor
    if (this.#finished || !anchor) return
    if (this.#todo.length === 0 && this.#cursor >= anchor.items && this.#inflight.size === 0) {
      this.#complete(anchor)
      return
    }
    // Members that are not the leader first: spare the leader (mosaik deprioritizes it).
    const leader = this.#host.leader()
    const idle = [...this.#pool].filter((p) => !this.#inflight.has(p)).sort((a, b) => +(a === leader) - +(b === leader))
    for (const peer of idle) {
      const start = this.#takeStart(anchor.items)
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
    const left = this.#todo.length > 0 || this.#cursor < anchor.items
    if (left && this.#inflight.size === 0 && this.#pool.size === 0)
      this.#fail(new Error('no member can serve the snapshot any more'))
  }

  #takeStart(items: number): number | undefined {
    const again = this.#todo.shift()
    if (again !== undefined) return again
    if (this.#cursor >= items) return undefined
    const start = this.#cursor
    this.#cursor = Math.min(items, start + this.#host.config.fetchBatchSize)
    return start
  }

  /** Batches may start anywhere after a short answer: never ask past the next known batch start. */
  #nextStart(start: number): number {
    let next = this.#cursor > start ? this.#cursor : Number.POSITIVE_INFINITY
    for (const s of [...this.#todo, ...this.#batches.keys(), ...[...this.#inflight.values()].map((f) => f.start)])
      if (s > start && s < next) next = s
    return next
  }

  #complete(anchor: Offer): void {
    this.#finished = true
    const starts = [...this.#batches.keys()].sort((a, b) => a - b)
    const items: unknown[] = []
    for (const s of starts) for (const it of this.#batches.get(s) as unknown[]) items.push(it)
    this.#done({
      index: anchor.index,
      term: anchor.term,
      ...(anchor.leader === undefined ? {} : { leader: anchor.leader }),
      ...(anchor.lineage === undefined ? {} : { lineage: anchor.lineage }),
      items,
      sources: [...this.#sources].sort(),
    })
  }

  #fail(err: Error): void {
    if (this.#finished) return
    this.abort()
    this.#done(err)
  }
}
