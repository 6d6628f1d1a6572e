import type { PeerId, Version } from '../../core/id.js'
import { corroboratedAhead } from '../sync/claims.js'
import { canSnapshot, type MemberParts } from './parts.js'

/** Failed catch-up pulls in a row after which a member stands without the state (availability first). */
const CATCH_UP_ATTEMPTS = 3
/** Pause before a failed catch-up pull is tried again, ms. */
const CATCH_UP_RETRY_MS = 1_000

/**
 * Catch-up first (default mode): this member pulls the state of a bonded member that applied
 * more than its log holds before it stands or serves as leader. Its core is an `observer`
 * meanwhile, so it neither stands nor leads.
 */
export class CatchUp {
  readonly #m: MemberParts
  #active = false
  #failures = 0
  /** The last log index when this member last took office (its no-op): "newly elected" while commit stays there. */
  #termStart: Version | undefined

  constructor(parts: MemberParts) {
    this.#m = parts
  }

  /** A catch-up runs: the core is an observer until it ends. */
  get active(): boolean {
    return this.#active
  }

  /** This member took office with its log ending at `lastIndex`: it catches up if a member is ahead. */
  tookOffice(lastIndex: Version): void {
    this.#termStart = lastIndex
    this.#m.timers.after(0, () => this.ifNewLeader())
  }

  /**
   * Before this member stands (or while it is a new leader that committed nothing of its own):
   * when a bonded member applied more than our log holds, step out of the running (the core
   * becomes an observer), pull that member's state, install it, and only then stand. True when
   * a catch-up started (or runs).
   */
  first(): boolean {
    const m = this.#m
    if (m.closed) return false
    if (this.#active) return true
    const ahead = this.#aheadOfUs()
    if (!ahead) return false
    this.#active = true
    m.refreshPreference()
    m.sync.pull(ahead.peers, ahead.applied)
    return true
  }

  /** A leader newly in office (nothing of its own term committed but the no-op) catches up if a member is ahead. */
  ifNewLeader(): void {
    if (this.#m.closed || this.#active) return
    const s = this.#m.core.status()
    if (s.role !== 'leader' || this.#termStart === undefined || s.commit > this.#termStart) return
    this.first()
  }

  /** The catch-up ended (installed, or failed): take part in elections again, and stand if alone. */
  done(ok: boolean): void {
    const m = this.#m
    if (!this.#active || m.closed) return
    this.#active = false
    this.#failures = ok ? 0 : this.#failures + 1
    m.refreshPreference()
    if (ok) m.electIfAlone()
    else m.timers.after(CATCH_UP_RETRY_MS, () => m.electIfAlone())
  }

  /**
   * Bonded members that applied more than this member's log holds, the most advanced ones
   * (default mode only, and only when the state can be pulled by snapshot). Observers keep the
   * full state (mosaik: any member holding the state can serve it), so a writer that finds
   * only readers ahead of it must take their state before it leads: observers abstain, so
   * nothing else stops a member with a shorter log from winning and overwriting them.
   */
  #aheadOfUs(): { peers: PeerId[]; applied: Version } | undefined {
    const m = this.#m
    if (m.consensus.minVoters > 0 || !canSnapshot(m.sm) || m.sync.syncing) return undefined
    if (m.preference === 'observer' || this.#failures >= CATCH_UP_ATTEMPTS) return undefined
    const s = m.core.status()
    const mine = Math.max(s.lastIndex, m.applier.applied)
    const claims = m.bonds.peers().map((peer) => ({ peer, applied: m.bonds.positionOf(peer) ?? 0 }))
    // A claim never decides on its own word (sync/claims.ts).
    return corroboratedAhead(mine, claims)
  }
}
