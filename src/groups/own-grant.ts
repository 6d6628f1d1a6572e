import { GroupError } from './errors.js'
import type { LeadershipPreference } from './raft/types.js'
import type { TicketGate } from './ticket-gate.js'
import type { Timers } from './timers.js'

/**
 * What this member's own tickets grant it. With `writeAuth` it stands, votes and leads only
 * while its own entry holds valid write tickets (its peers would refuse it anyway), checked
 * at start and every `periodMs`, so a ticket added or removed later takes effect within one
 * period; `changed` is told when that flips. Every write checks again (cached).
 */
export class OwnGrant {
  readonly #gate: TicketGate
  readonly #timers: Timers
  readonly #periodMs: number
  readonly #changed: (voter: boolean) => void
  readonly #lacking: ((reason: string, detail: string) => void) | undefined
  #voter: boolean
  /** The reason last reported by `lacking` (reported again only when it changes). */
  #lack: string | undefined
  #stopped = false

  /**
   * `lacking` is told when this member's own entry holds no valid ticket for `requireTicket`
   * (its peers refuse it: it will not come online), so devtools can say why.
   */
  constructor(
    gate: TicketGate,
    timers: Timers,
    periodMs: number,
    changed: (voter: boolean) => void,
    lacking?: (reason: string, detail: string) => void,
  ) {
    this.#gate = gate
    this.#timers = timers
    this.#periodMs = periodMs
    this.#changed = changed
    this.#lacking = lacking
    // With `writeAuth`, a member is an observer until its own tickets are checked.
    this.#voter = gate.writeAuth.length === 0
  }

  /** May this member vote, lead and write (true without `writeAuth`). */
  get voter(): boolean {
    return this.#voter
  }

  /** The preference this member is granted of the one it `declared`. */
  granted(declared: LeadershipPreference): LeadershipPreference {
    return this.#voter ? declared : 'observer'
  }

  start(): void {
    if (this.#gate.enabled) this.#check()
  }

  stop(): void {
    this.#stopped = true
  }

  /** True when a write must be checked first (`authorize`); false costs nothing. */
  mustAuthorize(preference: LeadershipPreference): boolean {
    return this.#gate.enabled || preference === 'observer'
  }

  /** Rejects `GroupError('unauthorized')` when this member is an observer or its own tickets do not grant writes. */
  async authorize(preference: LeadershipPreference): Promise<void> {
    if (preference === 'observer' && this.#voter)
      throw new GroupError('unauthorized', 'an observer member cannot write (its peers refuse its forwards)')
    if (!this.#gate.enabled) return
    const g = await this.#gate.checkSelf()
    if (!g.ok) throw new GroupError('unauthorized', `this peer holds no valid ticket for the group (${g.reason})`)
    this.#set(g.voter)
    if (!g.voter) throw new GroupError('unauthorized', 'this peer holds no valid write ticket for the group')
  }

  #check(): void {
    if (this.#stopped) return
    void this.#gate.checkSelf().then((g) => {
      if (this.#stopped) return
      const lack = g.ok ? undefined : `${g.reason}: ${g.detail}`
      if (!g.ok && lack !== this.#lack) this.#lacking?.(g.reason, g.detail)
      this.#lack = lack
      this.#set(g.ok && g.voter)
    })
    this.#timers.after(this.#periodMs, () => this.#check())
  }

  #set(voter: boolean): void {
    if (this.#stopped || voter === this.#voter) return
    this.#voter = voter
    this.#changed(voter)
  }
}
