import type { PeerId, Version } from '../../core/id.js'
import type { ConsensusConfig } from '../config.js'
import { type LogCommand, NOOP } from '../log-command.js'
import { createRaft } from '../raft/index.js'
import type { LeadershipPreference, Message, RaftCore, RaftRestore } from '../raft/types.js'
import { raftConfig } from '../raft-config.js'
import type { Storage } from '../storage.js'
import { type LocalCheckpoint, usable } from '../sync/checkpoint.js'
import { SnapshotSync, type SyncDriver } from '../sync/coordinator.js'
import { Lineage, rolledBack } from '../sync/lineage.js'
import type { FetchedSnapshot } from '../sync/session.js'
import type { StateMachine } from '../types.js'
import { canSnapshot, type MemberParts } from './parts.js'

/** `catchUp: 'replay'`: entries kept behind the applied point so slightly late followers catch up from the log. */
const RETAIN_ENTRIES = 512
/**
 * `catchUp: 'snapshot'`: entries kept behind the applied point. A member whose log diverged
 * (a healed partition in default mode) meets the conflict by log matching and reports
 * `reverted`; a new member, or one missing older entries, still gets a snapshot.
 */
const DIVERGENCE_TAIL = 64
/** Most entries a leader keeps for a laggard that is installing a snapshot (heap stays bounded). */
const PINNED_MAX = 4_096
/** `catchUp: 'replay'`: compact once this many entries could go. */
const COMPACT_STEP = 256

type AppendEntries = Extract<Message<LogCommand>, { type: 'appendEntries' }>

/** What a member comes back with from its storage. */
export interface Restored {
  readonly core: RaftCore<LogCommand>
  /** A restart from storage that holds a snapshot point: the state itself must be fetched again. */
  readonly at: Version
  /** The restart came back with the state machine's state too (durable storage): nothing to fetch. */
  readonly withState: boolean
}

/**
 * Builds the member's core from what its storage holds (entries, hard state, snapshot point)
 * and installs the state machine's stored state when the store kept it (durable storage).
 */
export function restore(
  storage: Storage,
  sm: StateMachine<unknown, unknown, unknown, unknown>,
  self: { peerId: PeerId; preference: LeadershipPreference; consensus: ConsensusConfig; name: string },
): Restored {
  const restored = storage.load()
  const state = canSnapshot(sm) ? storage.loadState?.() : undefined
  // Storage holds what this driver wrote: entries whose commands are `LogCommand`s.
  const core = createRaft<LogCommand>(
    raftConfig(self.peerId, self.preference, self.consensus),
    restored as RaftRestore<LogCommand> | undefined,
    { noop: NOOP },
  )
  const at = state?.index ?? restored?.snapshot?.index ?? 0
  return { core, at, withState: state !== undefined && installRestored(sm, self.name, state.items) }
}

/** A restart that came back with the state machine's state installs it; false when it throws. */
function installRestored(
  sm: StateMachine<unknown, unknown, unknown, unknown>,
  name: string,
  items: unknown[],
): boolean {
  try {
    sm.installSnapshot?.(items)
    return true
  } catch (err) {
    console.error(`mosaik-react: the state machine of group ${name} refused its stored state`, err)
    return false
  }
}

/**
 * The member's snapshots: snapshot sync (`groups/sync/`) wired to the member, installing a
 * fetched state, log compaction, and checkpoints for durable storage. It also keeps the
 * lineage of the applied history (an install reports what it rolls back) and a local
 * checkpoint a revert can replay the log from (`sync/checkpoint.ts`).
 */
export class Snapshots {
  readonly #m: MemberParts
  /** Snapshot sync: the provider serving laggards, and this member's fetch sessions. */
  readonly sync: SnapshotSync
  /** A catch-up pull (`CatchUp.first`) ended. */
  readonly #pulled: (ok: boolean) => void
  /** Reports a rollback an install found (`group.reverted`, `when.reverted`): the state publisher. */
  readonly #publisher: { noteReverted(to: Version): void }
  /** Who wrote the applied history (`sync/lineage.ts`); the applier notes every entry. */
  readonly lineage: Lineage
  /** A state to go back to after a revert, replaying the log from there. */
  #local: LocalCheckpoint | undefined
  /** The state machine applied entries a revert took back; the next install replaces it. */
  #dirty = false

  /** `restored`: what the member restarted with (`restore`); its checkpoint starts there. */
  constructor(
    parts: MemberParts,
    pulled: (ok: boolean) => void,
    publisher: { noteReverted(to: Version): void },
    restored: Pick<Restored, 'at' | 'withState'>,
  ) {
    this.#m = parts
    this.#pulled = pulled
    this.#publisher = publisher
    this.lineage = new Lineage(restored.at)
    this.sync = new SnapshotSync(this.#driver())
    if (restored.at === 0 || restored.withState) this.#keepCheckpoint(restored.at)
  }

  /**
   * True while this member must stay out of elections (`MemberParts.refreshPreference`): its
   * state machine applied entries a revert took back, neither the local checkpoint nor the log
   * can rebuild it, and only an install will replace it. As leader it could only pull a state
   * of its own log from its followers; when none holds one, each follower that reverts to its
   * log spoils its state too, and the group stays syncing for good. A member whose bonded peers
   * are all observers (readers) still stands: nobody else can lead, and a reader may hold a
   * state of its log.
   */
  get keepsOut(): boolean {
    if (!this.#dirty) return false
    const peers = [...this.#m.core.status().peers.values()]
    return peers.length === 0 || peers.some((p) => p !== 'observer')
  }

  /** The applier reached a `snap` entry proposed for `by`: hold a snapshot of the state at `index` for it. */
  hold(index: Version, term: number, by: PeerId, leader: string | undefined): void {
    const snapshot = canSnapshot(this.#m.sm) ? this.#m.sm.createSnapshot?.() : undefined
    if (snapshot) this.sync.hold(index, term, by, snapshot, { leader, lineage: this.lineage.upTo(index) })
  }

  /** Fetches the group's state from a peer: it must reach at least `minIndex`. */
  start(minIndex: number): void {
    const m = this.#m
    if (m.closed) return
    if (!canSnapshot(m.sm)) {
      m.telemetry.emit({ type: 'group.sync', phase: 'failed', position: minIndex })
      return
    }
    this.sync.start(minIndex)
  }

  /**
   * The log was rolled back to `to`: a state machine cannot be rolled back in place, so replay
   * the log from the local checkpoint, or fetch the state again.
   */
  reverted(to: Version): void {
    const m = this.#m
    this.lineage.trim(to)
    if (!canSnapshot(m.sm) || this.#replayFromCheckpoint(to)) return
    if (m.applier.applied > to) this.#setDirty(true)
    m.applier.applied = Math.min(m.applier.applied, to)
    this.start(to)
  }

  /**
   * The log keeps everything a held snapshot still needs, and behind the applied point
   * `RETAIN_ENTRIES` (`catchUp: 'replay'`) or `DIVERGENCE_TAIL` (`catchUp: 'snapshot'`: a
   * member missing an older entry then gets a snapshot from the leader's `needsSnapshot`).
   */
  compact(): void {
    const m = this.#m
    if (!canSnapshot(m.sm) || this.sync.syncing || m.closed) return
    const bySnapshot = m.sm.catchUp === 'snapshot'
    const s = m.core.status()
    const tail = bySnapshot
      ? Math.max(0, Math.min(DIVERGENCE_TAIL, m.sm.divergenceTail?.() ?? DIVERGENCE_TAIL))
      : RETAIN_ENTRIES
    let upTo = Math.min(s.applied, m.applier.applied) - tail
    // Only a leader sends entries, so only its log waits for a laggard installing a snapshot,
    // and at most PINNED_MAX entries: one further behind asks for a newer snapshot.
    const floor = s.role === 'leader' ? this.sync.provider.floor() : undefined
    if (floor !== undefined) upTo = Math.max(Math.min(upTo, floor), upTo - PINNED_MAX)
    if (upTo - s.firstIndex + 1 < (bySnapshot ? 1 : COMPACT_STEP)) return
    m.core.compact(upTo)
    m.storage.compact(upTo)
  }

  /** Durable storage: hand it the state machine's state when it wants to drop older records. */
  checkpoint(): void {
    const m = this.#m
    if (!m.storage.wantsCheckpoint?.() || !canSnapshot(m.sm) || this.sync.syncing || m.closed) return
    const index = m.applier.applied
    const point = index > 0 ? m.core.snapshotPoint(index) : undefined
    const snapshot = point ? m.sm.createSnapshot?.() : undefined
    if (!point || !snapshot) return
    m.storage.checkpoint?.({ index, term: point.term, items: snapshot.range(0, snapshot.length) })
  }

  #driver(): SyncDriver {
    const m = this.#m
    return {
      host: {
        local: m.net.peerId,
        timers: m.timers,
        config: m.syncConfig,
        send: (peer, msg) => m.bonds.send(peer, { type: 'sync', m: msg }),
        bonded: () => m.bonds.peers(),
        leader: () => m.core.status().leader,
        refused: (peer, detail) => m.telemetry.refused(peer, 'protocol', detail),
        telemetry: (e) => m.telemetry.emit({ type: 'group.sync', ...e }),
      },
      isLeader: () => m.core.status().role === 'leader' && canSnapshot(m.sm),
      replicate: (by) => m.input(() => m.pending.ignore(m.core.propose([{ t: 'snap', by }]))),
      serveCurrent: () => m.consensus.minVoters > 0,
      inLog: (p) => {
        const mine = m.core.snapshotPoint(p.index)
        return mine !== undefined && mine.term === p.term && mine.leader === p.leader
      },
      commit: () => m.core.status().commit,
      // Default mode only: a strict leader never rebuilds a state the group may hold otherwise.
      replayLocally: () => m.consensus.minVoters === 0 && this.#catchUpLocally(m.core.status().commit),
      install: (snapshot, buffered) => this.#install(snapshot, buffered),
      retryFrom: () => m.core.status().needsSnapshot?.index ?? m.applier.applied,
      changed: () => m.publish(),
      current: () => {
        // A state that applied entries a revert took back is no state of the group: never serve it.
        if (this.#dirty) return undefined
        const index = m.applier.applied
        const point = index > 0 && canSnapshot(m.sm) ? m.core.snapshotPoint(index) : undefined
        const snapshot = point ? m.sm.createSnapshot?.() : undefined
        return point && snapshot ? { ...point, lineage: this.lineage.upTo(index), snapshot } : undefined
      },
      pullFailed: () => {
        this.#applyMissed()
        this.#pulled(false)
      },
    }
  }

  /**
   * A catch-up pull failed: the entries committed while it ran were delivered but not applied
   * (`runEffects` skips them while syncing). Apply them from the log, or fetch a snapshot when
   * the log no longer holds them.
   */
  #applyMissed(): void {
    const m = this.#m
    if (m.closed || this.sync.syncing) return
    const from = m.applier.applied + 1
    const commit = m.core.status().commit
    if (from > commit) return
    const missed = m.core.entries(from, commit)
    if (missed[0]?.index === from && missed.length === commit - from + 1) m.applier.apply(missed)
    else this.start(commit)
    m.publish()
  }

  /**
   * A leader that was syncing when it took office: its own log is the group's from now on.
   * A state that applied nothing a revert took back goes on from its applied index; else the
   * local checkpoint replays the log up to `commit`. False when the log lacks the entries.
   */
  #catchUpLocally(commit: Version): boolean {
    const m = this.#m
    const from = m.applier.applied
    if (this.#dirty || from + 1 < m.core.status().firstIndex || m.core.snapshotPoint(from) === undefined)
      return this.#replayFromCheckpoint(commit)
    const entries = m.core.entries(from + 1, commit)
    if (entries.length !== Math.max(0, commit - from)) return this.#replayFromCheckpoint(commit)
    m.applier.apply(entries)
    return true
  }

  #setDirty(dirty: boolean): void {
    if (dirty === this.#dirty) return
    this.#dirty = dirty
    this.#m.refreshPreference()
  }

  /** Keeps the state as it is now, at `index` (see `LocalCheckpoint`). */
  #keepCheckpoint(index: Version): void {
    const m = this.#m
    const point = index > 0 ? m.core.snapshotPoint(index) : { index: 0, term: 0 }
    const snapshot = point && canSnapshot(m.sm) ? m.sm.createSnapshot?.() : undefined
    this.#local = point && snapshot ? { point, snapshot, lineage: this.lineage.view() } : undefined
  }

  /**
   * A revert to `to` at or past the checkpoint, with the log holding every entry after it: the
   * state machine goes back to the checkpoint and applies the log up to `to` again, here.
   */
  #replayFromCheckpoint(to: Version): boolean {
    const m = this.#m
    const cp = this.#local
    const s = m.core.status()
    if (this.sync.syncing || !usable(cp, to, s.firstIndex, (i) => m.core.snapshotPoint(i))) return false
    const entries = m.core.entries(cp.point.index + 1, to)
    if (entries.length !== to - cp.point.index) return false
    try {
      m.sm.installSnapshot?.(cp.snapshot.range(0, cp.snapshot.length))
    } catch (err) {
      console.error(`mosaik-react: the state machine of group ${m.id.short()} threw in installSnapshot`, err)
      return false
    }
    m.applier.applied = cp.point.index
    this.#setDirty(false)
    this.lineage.reset(cp.lineage)
    m.applier.apply(entries)
    return true
  }

  /** mosaik: install the fetched snapshot, fast-forward to its index, replay what was buffered. */
  #install(snapshot: FetchedSnapshot, buffered: AppendEntries[]): void {
    const m = this.#m
    if (m.closed) return
    try {
      m.sm.installSnapshot?.(snapshot.items)
    } catch (err) {
      console.error(`mosaik-react: the state machine of group ${m.id.short()} threw in installSnapshot`, err)
    }
    const moved = snapshot.index !== m.applier.applied
    // Applied entries the snapshot's history does not hold are rolled back: say so (default
    // mode; strict mode never rolls back what it applied, so a lineage it cannot compare is no loss).
    const kept = m.consensus.minVoters === 0 ? rolledBack(this.lineage.view(), snapshot.lineage) : undefined
    this.lineage.reset(snapshot.lineage ?? { from: snapshot.index, runs: [] })
    if (kept !== undefined) this.#publisher.noteReverted(kept)
    m.applier.applied = snapshot.index
    this.#setDirty(false)
    m.storage.saveSnapshot(snapshot.index, snapshot.term, snapshot.leader)
    if (m.storage.checkpoint)
      m.storage.checkpoint({ index: snapshot.index, term: snapshot.term, items: [...snapshot.items] })
    // Devtools follow versions by `group.committed`: an install moves the version too.
    if (moved) m.telemetry.emit({ type: 'group.committed', version: snapshot.index, count: 0 })
    m.input(() => {
      m.core.installSnapshot(snapshot.index, snapshot.term, snapshot.leader)
      this.#keepCheckpoint(snapshot.index)
      for (const msg of buffered) m.core.step(msg)
    })
    this.#pulled(true)
  }
}
