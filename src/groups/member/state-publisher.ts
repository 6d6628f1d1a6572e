import type { Version } from '../../core/id.js'
import type { GroupTelemetry } from '../../core/telemetry.js'
import { Emitter, Watch } from '../../core/watch.js'
import type { GroupState } from '../types.js'
import type { MemberParts } from './parts.js'

/**
 * The member's observable state (`GroupState`, what `subscribe`/`getSnapshot` and `When`
 * read), recomputed from the core, the bonds and sync after every drain, and reported as
 * `group.state` telemetry when a visible field changed.
 */
export class StatePublisher {
  readonly #m: MemberParts
  readonly state: Watch<GroupState>
  /** Rollbacks (`when.reverted()`), emitted with the state that follows them. */
  readonly reverted = new Emitter<Version>()
  #revertedTo: Version[] = []

  /** Built before the bonds and sync exist: the first state has no bonds and is not syncing. */
  constructor(parts: MemberParts) {
    this.#m = parts
    this.state = new Watch<GroupState>(this.#compute(false))
  }

  /** The log was rolled back to `to`: reported now, emitted to `when.reverted()` with the next state. */
  noteReverted(to: Version): void {
    this.#m.telemetry.emit({ type: 'group.reverted', version: to })
    this.#revertedTo.push(to)
  }

  publish(): void {
    const m = this.#m
    if (m.closed) return
    const prev = this.state.get()
    const next = this.#compute(true)
    const visible =
      prev.role !== next.role ||
      prev.term !== next.term ||
      prev.leader !== next.leader ||
      prev.online !== next.online ||
      prev.syncing !== next.syncing
    const changed =
      visible ||
      prev.commit !== next.commit ||
      prev.applied !== next.applied ||
      prev.bonds.length !== next.bonds.length ||
      prev.bonds.some((b, i) => b !== next.bonds[i])
    if (!changed) return
    if (prev.leader !== next.leader) m.sync.leaderChanged()
    // An observer's newer term (say, from a writer that left) deposed a lone writer that just
    // stood: it may stand again at once, past that term.
    if (prev.term !== next.term && next.role === 'follower' && next.leader === undefined)
      m.timers.after(0, () => m.electIfAlone())
    this.state.set(Object.freeze(next))
    if (visible) m.telemetry.emit({ type: 'group.state', ...this.stateBody(next) })
    for (const v of this.#revertedTo.splice(0)) this.reverted.emit(v)
  }

  /** What `group.state` telemetry carries. */
  stateBody(s: GroupState) {
    return {
      role: s.role,
      term: s.term,
      leader: s.leader,
      commit: s.commit,
      applied: s.applied,
      logLength: this.logLength,
      online: s.online,
    }
  }

  /** Log entries kept in memory by the core (bounded by compaction). */
  get logLength(): number {
    const s = this.#m.core.status()
    return s.lastIndex - s.firstIndex + 1
  }

  /**
   * Replays, to `listener` only, what this member reported so far and still holds: its
   * `group.joined`, its current `group.state`, its bonds that are up (`group.bond`) and the
   * other members' bonds it knows (`group.mesh`). For devtools attached after the member started.
   */
  replay(listener: (event: GroupTelemetry) => void): void {
    const m = this.#m
    const base = { at: m.telemetry.now(), peer: m.peerId, group: m.id.toString() }
    listener({ ...base, type: 'group.joined', preference: m.preference, ...m.telemetry.labelFields() })
    listener({ ...base, type: 'group.state', ...this.stateBody(this.state.get()) })
    for (const remote of m.bonds.peers()) {
      const remotePreference = m.bonds.preferenceOf(remote)
      listener({ ...base, type: 'group.bond', remote, up: true, ...(remotePreference ? { remotePreference } : {}) })
    }
    for (const [a, b] of m.bonds.mesh())
      if (a !== m.peerId && b !== m.peerId) listener({ ...base, type: 'group.mesh', a, b, up: true })
  }

  /** `started`: the bonds and sync exist (false while the member is being built). */
  #compute(started: boolean): GroupState {
    const m = this.#m
    const s = m.core.status()
    const bonds = started ? m.bonds.peers() : []
    const reachable = s.leader !== undefined && (s.leader === m.peerId || bonds.includes(s.leader))
    const syncing = started ? m.sync.syncing : false
    return {
      role: s.role,
      term: s.term,
      leader: s.leader,
      online: reachable && !syncing && !s.lagging && s.needsSnapshot === undefined,
      commit: s.commit,
      applied: m.applier.applied,
      syncing,
      bonds,
    }
  }
}
