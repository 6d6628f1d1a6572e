import type { PeerId, Version } from '../../core/id.js'
import type { LogCommand } from '../log-command.js'
import type { Message, Term } from '../raft/types.js'
import type { Snapshot } from '../types.js'
import type { SyncHost } from './host.js'
import type { SyncMessage } from './messages.js'
import { type OfferTags, SnapshotProvider } from './provider.js'
import { type FetchedSnapshot, type SnapshotPointClaim, SyncSession } from './session.js'

type AppendEntries = Extract<Message<LogCommand>, { type: 'appendEntries' }>

/** What snapshot sync asks of the group driver. */
export interface SyncDriver {
  readonly host: SyncHost
  isLeader(): boolean
  /** Leader only: replicate a `snap` entry on behalf of `by`. */
  replicate(by: PeerId): void
  /** A fetched snapshot is ready: install it in the state machine, the core and storage. */
  install(snapshot: FetchedSnapshot, buffered: AppendEntries[]): void
  /** Where a new session must reach when a failed one is retried. */
  retryFrom(): Version
  /** Syncing started or stopped (the member's state changed). */
  changed(): void
  /**
   * A member asked for our current state (`pull`): a snapshot of the state machine at the
   * applied index and that index's term, or undefined when we cannot serve it now.
   */
  current?(): ({ index: Version; term: Term; snapshot: Snapshot<unknown> } & OfferTags) | undefined
  /**
   * Leader only: true when a `snap` entry may not commit without the laggard asking for it
   * (strict mode: commits need a majority of `minVoters`, and a laggard abstains). The leader
   * then also offers its own state at its applied index, which it committed, so the laggard
   * does not wait for a commit that waits for it.
   */
  serveCurrent?(): boolean
  /**
   * A leader that must sync (its state machine applied entries a revert took back) has no
   * leader to ask: it pulls from bonded members a state at or below its commit whose point
   * is an entry of its own log (the same entry means the same history before it).
   */
  inLog?(point: SnapshotPointClaim): boolean
  /** This member's commit index (what a leader's resync may install at most). */
  commit?(): Version
  /**
   * A leader about to resync: rebuild the state from a local checkpoint and its own log up to
   * its commit instead, when the log holds all of it. True when it did (no session needed).
   */
  replayLocally?(): boolean
  /**
   * A pull session failed (no offer, or no source could serve); it is not retried here. The
   * entries committed while it ran were not applied: unless a regular session started
   * (`syncing`), the driver applies them now.
   */
  pullFailed?(): void
}

const RETRY_MS = 1_000
/** AppendEntries kept while a snapshot installs, replayed after it. */
const BUFFER_LIMIT = 64

/**
 * mosaik's SnapshotSync for one member: the provider serving every laggard, and at most
 * one session fetching for this member, with a retry after a failed one. While a session
 * runs, the member is `syncing` (not online) and does not apply committed entries: the
 * core delivers them again after `installSnapshot`.
 */
export class SnapshotSync {
  readonly provider: SnapshotProvider
  readonly #driver: SyncDriver
  #session: SyncSession | undefined
  #retrying = false
  /**
   * A snapshot the core asked for (`needsSnapshot`, a revert) while a pull session ran: the
   * pull does not answer it, so a regular session starts after the pull unless its install
   * reached this point.
   */
  #wanted: Version | undefined
  /** The session is a leader's resync (a pull from its followers, retried like a regular one). */
  #resync = false
  #buffered: AppendEntries[] = []
  /** The commit each member last announced in an AppendEntries (the leader's vouches for offers). */
  readonly #announced = new Map<PeerId, number>()

  constructor(driver: SyncDriver) {
    this.#driver = driver
    this.provider = new SnapshotProvider(driver.host)
  }

  /** True while a pull session of ours asked `peer` for its state. */
  pullingFrom(peer: PeerId): boolean {
    return this.#session?.pullsFrom(peer) ?? false
  }

  /** A session runs or waits to be retried. */
  get syncing(): boolean {
    return this.#session !== undefined || this.#retrying
  }

  /** Starts a session that installs a snapshot at or past `minIndex` (no-op while one runs). */
  start(minIndex: Version): void {
    if (this.#catchingUp) this.#wanted = Math.max(this.#wanted ?? 0, minIndex)
    if (this.#session) return
    this.#retrying = false
    this.#buffered = []
    const { inLog, commit } = this.#driver
    if (this.#driver.isLeader() && this.#driver.replayLocally?.()) {
      this.#driver.changed()
      return
    }
    this.#resync = this.#driver.isLeader() && inLog !== undefined && commit !== undefined
    const sources = this.#resync ? this.#driver.host.bonded() : undefined
    this.#session = new SyncSession(
      this.#driver.host,
      minIndex,
      (r) => this.#done(r),
      sources,
      this.#resync ? commit : () => this.#vouched(),
      this.#resync ? inLog : undefined,
    )
    this.#driver.host.telemetry({ phase: 'started', position: minIndex, ...(sources ? { sources } : {}) })
    this.#session.request()
    this.#driver.changed()
  }

  /**
   * Pulls the current state from `sources` (members that applied more than our log holds),
   * without a leader: each holds a snapshot at its applied index and offers it; the highest
   * offer at or past `minIndex` is fetched and installed as usual. No-op while a session runs.
   */
  pull(sources: readonly PeerId[], minIndex: Version): void {
    if (this.#session) return
    this.#retrying = false
    this.#resync = false
    this.#buffered = []
    this.#session = new SyncSession(this.#driver.host, minIndex, (r) => this.#done(r), sources)
    this.#driver.host.telemetry({ phase: 'started', position: minIndex, sources: [...sources] })
    this.#session.request()
    this.#driver.changed()
  }

  /** A `snap` entry committed here. */
  hold(index: Version, term: Term, by: PeerId, snapshot: Snapshot<unknown>, tags?: OfferTags): void {
    this.provider.hold(index, term, by, snapshot, tags)
  }

  /**
   * Leader entries that arrive while syncing are kept and replayed after the install, with
   * the latest heartbeat: stepping it at once confirms the new position to the leader and
   * ends `lagging`, instead of waiting for the next heartbeat.
   */
  buffer(m: AppendEntries): void {
    const known = this.#announced.get(m.from) ?? 0
    if (m.commit > known) {
      this.#announced.set(m.from, m.commit)
      this.#session?.vouchChanged()
    }
    if (!this.#session) return
    if (m.entries.length === 0) {
      this.#buffered = this.#buffered.filter((b) => b.entries.length > 0)
      this.#buffered.push(m)
    } else if (this.#buffered.length < BUFFER_LIMIT) this.#buffered.push(m)
  }

  message(peer: PeerId, m: SyncMessage): void {
    switch (m.type) {
      case 'request':
        if (!this.#driver.isLeader()) return
        // A second request within the TTL (the laggard fell behind again, or lost the offer)
        // gets the snapshot already held instead of waiting out its request timeout.
        if (this.provider.shouldReplicate(peer)) this.#driver.replicate(peer)
        else this.provider.reoffer(peer)
        if (this.#driver.serveCurrent?.()) this.#holdCurrent(peer)
        return
      case 'pull':
        if (!this.#session) this.#holdCurrent(peer)
        return
      case 'offer':
        if (this.#session) this.#session.offer(peer, m)
        else this.#driver.host.refused?.(peer, 'a snapshot offer while not syncing')
        return
      case 'fetch':
        this.provider.fetch(peer, m)
        return
      case 'data':
        this.#session?.data(peer, m)
        return
    }
  }

  peerDown(peer: PeerId): void {
    this.#announced.delete(peer)
    this.#session?.peerDown(peer)
    this.provider.peerDown(peer)
  }

  /** A bond to `peer` came up or replaced an older one: re-send what may have been lost on it. */
  peerUp(peer: PeerId): void {
    this.provider.peerUp(peer)
    this.#session?.peerUp(peer)
  }

  /** A new leader: ask it, unless the snapshot is already being fetched. */
  leaderChanged(): void {
    const session = this.#session
    if (!session || session.fetching || session.pulling) return
    if (!this.#driver.isLeader()) {
      session.request()
      return
    }
    // We lead now: nobody to ask, so rebuild the state ourselves or pull it from the followers
    // (after this call: it comes from the member publishing its state, which a restart changes).
    this.#driver.host.timers.after(0, () => {
      if (this.#session !== session || session.fetching || !this.#driver.isLeader()) return
      session.abort()
      this.#session = undefined
      this.start(this.#driver.retryFrom())
    })
  }

  /** A catch-up pull runs (not a leader's resync). */
  get #catchingUp(): boolean {
    return this.#session?.pulling === true && !this.#resync
  }

  /** Holds our state at the applied index for `peer` and offers it (see `current`). */
  #holdCurrent(peer: PeerId): void {
    const current = this.#driver.current?.()
    if (current) this.provider.hold(current.index, current.term, peer, current.snapshot, current)
  }

  /** The commit the current leader announced: offers above it are not installed. */
  #vouched(): number | undefined {
    const leader = this.#driver.host.leader()
    return leader === undefined ? undefined : this.#announced.get(leader)
  }

  close(): void {
    this.#session?.abort()
    this.#session = undefined
    this.#retrying = false
    this.#wanted = undefined
    this.#resync = false
    this.provider.clear()
  }

  #done(result: FetchedSnapshot | Error): void {
    const pulling = this.#catchingUp
    this.#session = undefined
    this.#resync = false
    const host = this.#driver.host
    const wanted = pulling ? this.#wanted : undefined
    if (pulling) this.#wanted = undefined
    if (result instanceof Error && pulling) {
      host.telemetry({ phase: 'failed' })
      // What the core asked for meanwhile still has to come (the pull was no answer to it).
      if (wanted !== undefined) this.start(Math.max(wanted, this.#driver.retryFrom()))
      else this.#driver.changed()
      this.#driver.pullFailed?.()
      return
    }
    if (result instanceof Error) {
      host.telemetry({ phase: 'failed' })
      this.#retrying = true
      host.timers.after(RETRY_MS, () => {
        if (this.#retrying) this.start(this.#driver.retryFrom())
      })
      this.#driver.changed()
      return
    }
    host.telemetry({
      phase: 'installed',
      position: result.index,
      items: result.items.length,
      sources: result.sources,
    })
    const buffered = this.#buffered.filter((m) => m.prevIndex >= result.index)
    this.#buffered = []
    this.#driver.install(result, buffered)
    if (wanted !== undefined && wanted > result.index) this.start(wanted)
  }
}
