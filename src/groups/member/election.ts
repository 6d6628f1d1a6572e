import type { LeadershipPreference } from '../raft/types.js'
import { raftConfig, standNow, tickMs } from '../raft-config.js'
import { holdsBack, standing } from '../standing.js'
import type { TimerHandle } from '../timers.js'
import type { CatchUp } from './catch-up.js'
import type { MemberParts } from './parts.js'

/**
 * A connected peer that has not identified within this long is taken for one that is not a
 * mosaik peer, so it cannot hold off a lone member's election (see `standing`).
 */
const IDENTIFY_BOUND_MS = 1_000

/**
 * When this member stands outside the core's own election timer: the lone-writer shortcut
 * (`standing.ts` decides, this applies it), hold-back of a fresh member (`holdsBack`), and the
 * staggered stand after a leader's `departure`. The policies are pure functions; this room
 * gathers their inputs from the core, discovery and the clock, and acts on the verdict.
 */
export class Election {
  readonly #m: MemberParts
  readonly #catchUp: CatchUp
  readonly #keepsOut: () => boolean
  /** The preference the core runs with. */
  #corePreference: LeadershipPreference
  /** When `start` ran (the clock's ms). */
  #joinedAt = 0
  /** Whether the core is held out of elections (`holdsBack`). */
  #held = false
  /** `electIfAlone` is queued for the end of this task. */
  #reconsidering = false
  /** A timer that asks `electIfAlone` again once an unidentified peer's bound runs out. */
  #recheck: TimerHandle | undefined

  /** `keepsOut`: the member's state must be replaced (`Snapshots.keepsOut`). */
  constructor(parts: MemberParts, catchUp: CatchUp, keepsOut: () => boolean) {
    this.#m = parts
    this.#catchUp = catchUp
    this.#keepsOut = keepsOut
    this.#corePreference = parts.preference
  }

  /** See `MemberParts.refreshPreference`: the core is an observer while any of them holds. */
  refreshPreference(): void {
    const m = this.#m
    const next = this.#catchUp.active || this.#held || this.#keepsOut() ? 'observer' : m.preference
    if (next === this.#corePreference) return
    this.#corePreference = next
    m.input(() => m.core.setPreference(next))
  }

  /** True while the core is held out of elections (a fresh member that sees a member it has no bond with). */
  get held(): boolean {
    return this.#held
  }

  /** Starts the hold-back bound and follows discovery; returns what unsubscribes from it. */
  start(): Array<() => void> {
    const m = this.#m
    this.#joinedAt = m.timers.clock.now()
    // Hold-back ends at its bound even if no event comes.
    m.timers.after(this.#holdMs(), () => this.electIfAlone())
    // Whether this member is alone changes with every discovery and connection event.
    const reconsider = () => this.reconsider()
    const off = [m.net.discovery.onEvent(reconsider), m.net.discovery.onSurroundingsChange(reconsider)]
    this.reconsider()
    return off
  }

  /** `electIfAlone` at the end of this task (events come in bursts). */
  reconsider(): void {
    if (this.#reconsidering || this.#m.closed) return
    this.#reconsidering = true
    queueMicrotask(() => {
      this.#reconsidering = false
      this.electIfAlone()
    })
  }

  /**
   * docs/ARCHITECTURE.md: a member that is the only possible leader need not wait out the bootstrap delay
   * and an election timeout. `standing` decides whether it is (it has heard from every peer it
   * can see and every other member is a bonded observer); this runs again on every discovery,
   * connection and bond event. Otherwise the election timer elects.
   */
  electIfAlone(): void {
    const m = this.#m
    if (m.closed) return
    // Bonds changed (or discovery did): whether this member must stay out may have too.
    m.refreshPreference()
    if (this.#catchUp.active) return
    const s = m.core.status()
    // A peer whose tickets we refused cannot bond, so it is no rival while that holds.
    const members = m.net.discovery.peersInGroup(m.id).filter((peer) => !m.bonds.isRefused(peer))
    const hold = holdsBack({
      preference: m.preference,
      term: s.term,
      joinedForMs: m.timers.clock.now() - this.#joinedAt,
      holdMs: this.#holdMs(),
      bonded: s.peers,
      members,
    })
    if (hold !== this.#held) {
      this.#held = hold
      // As during a catch-up: the core becomes an observer, so it neither stands nor votes.
      m.refreshPreference()
    }
    const verdict = standing({
      preference: m.preference,
      role: s.role,
      leader: s.leader,
      bonded: s.peers,
      members,
      surroundings: m.net.discovery.surroundings(m.id),
      identifyBoundMs: IDENTIFY_BOUND_MS,
    })
    // A peer that dialed us after we joined has not been asked by us yet: ask it now.
    if (verdict.decision === 'wait' && verdict.hear) m.net.discovery.hearFromAll(m.id)
    if (verdict.decision === 'wait' && verdict.recheckInMs !== undefined && !this.#recheck) {
      this.#recheck = m.timers.after(verdict.recheckInMs, () => {
        this.#recheck = undefined
        this.electIfAlone()
      })
    }
    if (verdict.decision !== 'stand' || this.#catchUp.first()) return
    m.input(() => standNow(m.core, raftConfig(m.peerId, m.preference, m.consensus)))
  }

  /**
   * The leader said `departure`: there is nothing to wait for, so normal members stand at
   * once, one after another in peer-id order (a fixed stagger rather than random pauses, so
   * two never stand in the same instant and split the vote). A member that heard of an
   * election in the meantime stays out; if the first cannot win, the election timeout
   * remains the fallback.
   */
  leaderDeparted(): void {
    const m = this.#m
    if (m.preference !== 'normal') return
    const status = m.core.status()
    const term = status.term
    const rivals = [...status.peers].filter(([, p]) => p === 'normal').map(([id]) => id)
    const rank = [...rivals, m.peerId].sort().indexOf(m.peerId)
    const pause = rank * Math.max(tickMs(m.consensus) * 2, m.consensus.electionTimeout / 10)
    m.timers.after(pause, () => {
      const s = m.core.status()
      if (m.closed || s.leader !== undefined || s.term !== term || s.role !== 'follower') return
      if (this.#catchUp.active || this.#catchUp.first()) return
      m.input(() => standNow(m.core, raftConfig(m.peerId, m.preference, m.consensus)))
    })
  }

  /** How long a fresh member holds back from elections at most (see `holdsBack`). */
  #holdMs(): number {
    return this.#m.consensus.bootstrapDelay + 2 * this.#m.consensus.electionTimeout
  }
}
