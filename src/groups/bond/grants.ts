import type { PeerId } from '../../core/id.js'
import type { Channel } from '../../network/types.js'
import { Expiration } from '../../tickets/expiration.js'
import type { Grant, TicketGate } from '../ticket-gate.js'
import type { TimerHandle, Timers } from '../timers.js'
import { BondFailure } from './inbox.js'

type Granted = Grant & { ok: true }

/** What the grants of one bond set report to it. */
export interface GrantsHost {
  readonly gate?: TicketGate
  readonly timers: Timers
  /** A peer's tickets were refused (at a handshake or a re-check). */
  refused(peer: PeerId, reason: string, detail: string): void
  /** A bonded peer was checked again (its entry changed, or a ticket reached its expiry). */
  rechecked(peer: PeerId, grant: Grant): void
}

/** Longest single timer (setTimeout's limit); a later expiry is re-checked when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1
/** Peers remembered as refused; the oldest is forgotten past it. */
const MAX_REFUSED = 4_096

/**
 * What each bonded peer's tickets grant (member, voter) and the timers that re-check them
 * at expiry; the peers refused at their last check. The ticket half of `Bonds`.
 */
export class Grants {
  readonly #host: GrantsHost
  readonly #grants = new Map<PeerId, { voter: boolean; timer: TimerHandle | undefined }>()
  readonly #refused = new Set<PeerId>()
  /** Grants checked during a handshake, handed to the bond it establishes. */
  readonly #checked = new WeakMap<Channel, Granted>()

  constructor(host: GrantsHost) {
    this.#host = host
  }

  /** Any validator configured. */
  get enabled(): boolean {
    return this.#host.gate?.enabled === true
  }

  /** No `writeAuth`: a peer's role is what it declares. */
  get rolesDeclared(): boolean {
    return !this.#host.gate?.writeAuth.length
  }

  /** May the bonded peer vote (true until its tickets say otherwise). */
  voter(peer: PeerId): boolean {
    return this.#grants.get(peer)?.voter ?? true
  }

  isRefused(peer: PeerId): boolean {
    return this.#refused.has(peer)
  }

  /**
   * Handshake step after both proofs verified: the peer's discovery entry must hold a valid
   * ticket for every validator, else `BondFailure('unauthorized')` refuses the bond before
   * anything of the group is sent.
   */
  async authorize(channel: Channel): Promise<void> {
    const gate = this.#host.gate
    if (!gate?.enabled) return
    const peer = channel.remotePeer
    const grant = await gate.check(peer)
    if (!grant.ok) {
      this.#refuse(peer, grant.reason, grant.detail)
      throw new BondFailure('unauthorized', `${grant.reason}: ${grant.detail}`)
    }
    this.#refused.delete(peer)
    this.#checked.set(channel, grant)
  }

  /** The bond on `channel` is established: keep what its handshake granted, and watch its expiry. */
  established(channel: Channel): void {
    const grant = this.#checked.get(channel)
    this.set(channel.remotePeer, grant?.voter ?? true, grant?.recheck ?? Expiration.never())
  }

  set(peer: PeerId, voter: boolean, recheck: Expiration): void {
    this.#host.timers.cancel(this.#grants.get(peer)?.timer)
    const ms = Expiration.remaining(recheck)
    // Past the expiry by a millisecond, so the re-check sees the ticket expired.
    const timer =
      ms === undefined ? undefined : this.#host.timers.after(Math.min(ms + 1, MAX_TIMER_MS), () => this.recheck(peer))
    this.#grants.set(peer, { voter, timer })
  }

  /** Checks a bonded peer again; the host closes the bond or applies the new grant. */
  recheck(peer: PeerId): void {
    const gate = this.#host.gate
    if (!gate || !this.#grants.has(peer)) return
    void gate.check(peer).then((grant) => {
      if (!this.#grants.has(peer)) return
      if (!grant.ok) this.#refuse(peer, grant.reason, grant.detail)
      this.#host.rechecked(peer, grant)
    })
  }

  forget(peer: PeerId): void {
    this.#host.timers.cancel(this.#grants.get(peer)?.timer)
    this.#grants.delete(peer)
  }

  clear(): void {
    for (const g of this.#grants.values()) this.#host.timers.cancel(g.timer)
    this.#grants.clear()
  }

  #refuse(peer: PeerId, reason: string, detail: string): void {
    this.#refused.add(peer)
    if (this.#refused.size > MAX_REFUSED) this.#refused.delete(this.#refused.values().next().value as PeerId)
    this.#host.refused(peer, reason, detail)
  }
}
