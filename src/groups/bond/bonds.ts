import type { PeerId, UniqueId } from '../../core/id.js'
import type { GroupTelemetry } from '../../core/telemetry.js'
import type { Channel, DiscoveryEvent, NetworkServices } from '../../network/types.js'
import type { LeadershipPreference } from '../raft/types.js'
import type { TicketGate } from '../ticket-gate.js'
import type { Timers } from '../timers.js'
import { grantedPreference, refusedFromObserver } from './admission.js'
import { Bond } from './bond.js'
import { Dialer } from './dialer.js'
import { Grants } from './grants.js'
import { acceptHandshake, initiateHandshake } from './handshake.js'
import type { HeartbeatConfig } from './heartbeat.js'
import { BondFailure, Inbox } from './inbox.js'
import { Mesh } from './mesh.js'
import type { BondFrame, BondMessage } from './messages.js'
import { upPeers } from './up-peers.js'

/** The protocol name all groups of a network share (`/mosaik/<net>/groups/3`). */
export const GROUPS_PROTOCOL = 'groups'
/**
 * Bytes a peer may send on a groups channel before its bond is established: the hello, the
 * proofs and the acceptor's welcome (which lists its bonds) fit; nothing else is sent earlier.
 */
export const GROUPS_PRE_AUTH_BYTES = 16 * 1024

/** What the bond set needs from its group. */
export interface BondsHost {
  readonly network: NetworkServices
  readonly groupId: UniqueId
  readonly keyHash: UniqueId
  /** Our preference at start; later changes come through `Bonds.setPreference`. */
  readonly preference: LeadershipPreference
  readonly timers: Timers
  readonly heartbeat: HeartbeatConfig
  /** Handshake bound, ms. */
  readonly handshakeTimeoutMs: number
  peerUp(peer: PeerId, preference: LeadershipPreference): void
  /** `departed`: the peer said `departure` (a graceful leave), rather than going silent. */
  peerDown(peer: PeerId, departed: boolean): void
  message(peer: PeerId, message: BondMessage): void
  /** Our applied index, sent in `welcome`, pings and pongs. */
  position?(): number
  /** A bonded peer reported a new applied index (after its `peerUp`). */
  positionChanged?(peer: PeerId, applied: number): void
  telemetry(event: DistributiveOmit<GroupTelemetry, 'at' | 'peer' | 'group'>): void
  /** Checks peers' tickets (`requireTicket` / `writeAuth`); none: every peer is granted what it declares. */
  readonly gate?: TicketGate
  /** A peer's tickets were refused (it cannot bond while that holds). */
  peerRefused?(peer: PeerId): void
  /** True while this member pulls its state from `peer` (a session it started). */
  pullingFrom?(peer: PeerId): boolean
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/**
 * The full mesh of bonds of one group member (mosaik `Bonds` + the bonding half of the
 * group worker): dials every member discovery shows, accepts theirs, resolves two bonds
 * for one pair deterministically (the one opened by the smaller peer id wins), gossips
 * `bondFormed`, and redials members that reappear.
 */
export class Bonds {
  readonly #host: BondsHost
  readonly #local: PeerId
  readonly #bonds = new Map<PeerId, Bond>()
  #upPeers: PeerId[] = [] // `peers()`, reused while the set holds
  readonly #handshaking = new Set<Channel>()
  /** Which members to dial, when, and with what backoff. */
  readonly #dialer: Dialer
  readonly #mesh: Mesh
  /** What each bonded peer's tickets grant; peers refused at their last check. */
  readonly #grants: Grants
  #preference: LeadershipPreference
  #unsubDiscovery: (() => void) | undefined
  #closed = false

  constructor(host: BondsHost) {
    this.#host = host
    this.#local = host.network.peerId
    this.#preference = host.preference
    this.#dialer = new Dialer({
      network: host.network,
      groupId: host.groupId,
      local: this.#local,
      timers: host.timers,
      reconcileMs: host.heartbeat.intervalMs * 4,
      bonded: (peer) => this.#bonds.has(peer),
      connect: (peer, retry) => this.#connect(peer, retry),
    })
    this.#mesh = new Mesh(this.#local, (a, b, up) => host.telemetry({ type: 'group.mesh', a, b, up }))
    this.#grants = new Grants({
      ...(host.gate && { gate: host.gate }),
      timers: host.timers,
      refused: (peer, reason, detail) => {
        this.#refused(peer, reason, detail)
        queueMicrotask(() => host.peerRefused?.(peer))
      },
      rechecked: (peer, grant) => {
        const bond = this.#bonds.get(peer)
        if (this.#closed || !bond) return
        if (!grant.ok) {
          bond.close('unauthorized', `${grant.reason}: ${grant.detail}`)
          return
        }
        const before = this.#granted(bond)
        this.#grants.set(peer, grant.voter, grant.recheck)
        this.#regranted(bond, before)
      },
    })
  }

  /** Starts following discovery and dials every member it already knows. */
  start(): void {
    const group = this.#host.groupId.toString()
    this.#unsubDiscovery = this.#host.network.discovery.onEvent((e: DiscoveryEvent) => {
      if (e.type === 'departed') return
      // A bonded peer's entry changed: its tickets may have been removed or added.
      if (e.type === 'updated' && this.#grants.enabled && this.#bonds.has(e.entry.peerId))
        this.#grants.recheck(e.entry.peerId)
      if (!e.entry.groups.includes(group)) return
      this.#dialer.returned(e.entry.peerId)
      // A refused peer's entry changed (it may hold a ticket now): try again soon, not after the backoff.
      if (this.#grants.enabled) this.#dialer.resetRetry(e.entry.peerId)
      this.#dialer.soon(e.entry.peerId)
    })
    this.#dialer.reconcile()
  }

  /** Peers whose bond is up, sorted: the same (read-only) array while that set holds (`upPeers`). */
  peers(): PeerId[] {
    this.#upPeers = upPeers(this.#bonds.values(), this.#upPeers)
    return this.#upPeers
  }

  /** True while `peer`'s last ticket check failed (it cannot bond, so it cannot lead or vote). */
  isRefused(peer: PeerId): boolean {
    return this.#grants.isRefused(peer)
  }

  has(peer: PeerId): boolean {
    return this.#bonds.get(peer)?.isUp === true
  }

  /** The preference a bonded peer is granted: what it declared, or `observer` when it may not vote. */
  preferenceOf(peer: PeerId): LeadershipPreference | undefined {
    const b = this.#bonds.get(peer)
    return b ? this.#granted(b) : undefined
  }

  /**
   * The applied index a bonded peer last reported; undefined when not bonded or never
   * reported. An observer's claim counts only where roles are declared (no `writeAuth`):
   * there any peer may bond as a voter and claim the same, and believing readers is what
   * lets a writer that reloads take their state instead of erasing it. With `writeAuth`
   * an observer's progress claim is never believed (nor its state installed).
   */
  positionOf(peer: PeerId): number | undefined {
    const b = this.#bonds.get(peer)
    if (!b?.isUp) return undefined
    return this.#granted(b) !== 'observer' || this.#grants.rolesDeclared ? b.applied : undefined
  }

  send(peer: PeerId, message: BondFrame): boolean {
    const b = this.#bonds.get(peer)
    return b?.isUp === true ? b.send(message) : false
  }

  /** Closes the bond with `peer`, which broke the protocol (the caller reports why). */
  drop(peer: PeerId, reason: string, detail: string): void {
    this.#bonds.get(peer)?.close(reason, detail)
  }

  mesh(): ReadonlyArray<readonly [PeerId, PeerId]> {
    return this.#mesh.edges()
  }

  /**
   * Our preference changed: every bond that already sent its `welcome` tells its peer with a
   * `preference` frame (their quorums count voters by it); bonds still in their handshake
   * carry the new one in their `welcome`.
   */
  setPreference(preference: LeadershipPreference): void {
    if (this.#closed || preference === this.#preference) return
    this.#preference = preference
    for (const b of this.#bonds.values()) b.send({ type: 'preference', preference })
  }

  /** An incoming channel whose `hello` named this group. */
  accept(channel: Channel, inbox: Inbox, nonceI: Uint8Array): void {
    if (this.#closed) {
      inbox.release()
      channel.close('shutdown')
      return
    }
    this.#handshaking.add(channel)
    acceptHandshake(channel, inbox, nonceI, this.#params(), async () => {
      await this.#grants.authorize(channel)
      this.#admit(channel)
    })
      .then(() => this.#established(channel, inbox))
      .catch((err: unknown) => this.#failed(channel, inbox, err))
      .finally(() => this.#handshaking.delete(channel))
  }

  /** Graceful leave: `departure` on every bond, then close everything. */
  leave(): void {
    if (this.#closed) return
    this.#closed = true
    this.#unsubDiscovery?.()
    this.#dialer.close()
    this.#grants.clear()
    for (const b of [...this.#bonds.values()]) b.depart()
    this.#bonds.clear()
    for (const ch of this.#handshaking) ch.close('shutdown')
    this.#handshaking.clear()
  }

  #params() {
    const h = this.#host
    return {
      groupId: h.groupId,
      keyHash: h.keyHash,
      local: this.#local,
      timers: h.timers,
      timeoutMs: h.handshakeTimeoutMs,
    }
  }

  /** Opens a channel to `peer` and bonds over it (the dialer decides when); `retry` after a failure. */
  #connect(peer: PeerId, retry: () => void): Promise<void> {
    return this.#host.network
      .openChannel(peer, GROUPS_PROTOCOL, { preAuthBytes: GROUPS_PRE_AUTH_BYTES })
      .then((channel) => {
        if (this.#closed) {
          channel.close('shutdown')
          return
        }
        this.#handshaking.add(channel)
        const inbox = new Inbox(channel)
        return initiateHandshake(channel, inbox, this.#params())
          .then(() => this.#grants.authorize(channel))
          .then(() => {
            this.#admit(channel)
            this.#established(channel, inbox)
          })
          .catch((err: unknown) => {
            this.#failed(channel, inbox, err)
            if (!(err instanceof BondFailure && err.reason === 'duplicate-bond')) retry()
          })
          .finally(() => this.#handshaking.delete(channel))
      })
      .catch(() => retry())
  }

  /**
   * One bond per pair. The bond opened by the smaller peer id wins whatever the order in
   * which the two sides see them, so both sides keep the same one; a second bond from the
   * same opener is refused while the first lives.
   */
  #admit(channel: Channel): void {
    const peer = channel.remotePeer
    const existing = this.#bonds.get(peer)
    if (!existing) return
    const winner = [this.#local, peer].sort()[0]
    const initiator = channel.initiator ? this.#local : peer
    if (initiator === winner && existing.initiator !== winner) {
      this.#bonds.delete(peer)
      existing.close('duplicate-bond', 'superseded by the bond opened by the smaller peer id')
      return
    }
    throw new BondFailure('duplicate-bond', `a bond with ${peer} already exists`)
  }

  #established(channel: Channel, inbox: Inbox): void {
    const pending = inbox.release()
    if (this.#closed) {
      channel.close('shutdown')
      return
    }
    const peer = channel.remotePeer
    channel.authenticated?.()
    this.#dialer.returned(peer)
    const bond = new Bond(channel, this.#local, this.#host.timers, this.#host.heartbeat, {
      up: (b) => this.#up(b),
      message: (b, m) => this.#message(b, m),
      down: (b, info) => this.#down(b, info.departed),
      position: () => this.#host.position?.() ?? 0,
      positionChanged: (b) => {
        if (this.#bonds.get(b.peer) === b && b.isUp && b.applied !== undefined)
          this.#host.positionChanged?.(b.peer, b.applied)
      },
    })
    this.#bonds.set(peer, bond)
    this.#grants.established(channel)
    const applied = this.#host.position?.()
    bond.start(
      {
        type: 'welcome',
        preference: this.#preference,
        bonds: this.peers(),
        ...(applied === undefined ? {} : { applied }),
      },
      pending,
    )
  }

  #failed(channel: Channel, inbox: Inbox, err: unknown): void {
    inbox.release()
    // Timeouts are refused and counted too: a peer that stalls its handshake holds our budget.
    if (err instanceof BondFailure && err.reason !== 'closed') {
      channel.reject(err.reason, err.message)
    } else {
      channel.close(err instanceof BondFailure ? err.reason : 'error')
    }
  }

  #up(bond: Bond): void {
    if (this.#bonds.get(bond.peer) !== bond) return
    const pref = this.#granted(bond)
    this.#host.telemetry({ type: 'group.bond', remote: bond.peer, up: true, remotePreference: pref })
    this.#mesh.local(bond.peer, true)
    for (const other of this.#bonds.values()) {
      if (other === bond || !other.isUp) continue
      other.send({ type: 'bondFormed', peer: bond.peer, up: true })
      // Bonds that came up after our welcome went out: the new peer hears of them here.
      bond.send({ type: 'bondFormed', peer: other.peer, up: true })
    }
    this.#host.peerUp(bond.peer, pref)
  }

  #message(bond: Bond, m: BondMessage): void {
    if (this.#bonds.get(bond.peer) !== bond) return
    if (m.type === 'welcome') this.#mesh.learn(bond.peer, m.bonds)
    else if (m.type === 'preference') this.#preferenceChanged(bond, m.preference)
    else if (m.type === 'bondFormed') this.#mesh.remote(bond.peer, m.peer, m.up)
    else {
      const pulled = this.#grants.rolesDeclared && this.#host.pullingFrom?.(bond.peer) === true
      const refused = this.#granted(bond) === 'observer' ? refusedFromObserver(m, pulled) : undefined
      if (refused) this.#refuseFrame(bond.peer, refused)
      else this.#host.message(bond.peer, m)
    }
  }

  #preferenceChanged(bond: Bond, preference: LeadershipPreference): void {
    if (bond.preference === preference) return
    const before = this.#granted(bond)
    bond.preferenceChanged(preference)
    this.#regranted(bond, before)
  }

  /** What the bond's peer is granted: its declared preference unless its tickets make it an observer. */
  #granted(bond: Bond): LeadershipPreference {
    return grantedPreference(bond.preference ?? 'observer', this.#grants.voter(bond.peer))
  }

  /** The granted preference may have changed: tell the core (its quorums count voters by it) and devtools. */
  #regranted(bond: Bond, before: LeadershipPreference): void {
    const after = this.#granted(bond)
    if (after === before || !bond.isUp) return
    this.#host.telemetry({ type: 'group.bond', remote: bond.peer, up: true, remotePreference: after })
    this.#host.peerUp(bond.peer, after)
  }

  #refused(remote: PeerId, reason: string, detail: string): void {
    this.#host.telemetry({ type: 'group.refused', remote, reason, detail })
  }

  /** A frame the peer's granted role may not send: dropped and counted, the bond stays. */
  #refuseFrame(remote: PeerId, detail: string): void {
    this.#refused(remote, 'role', detail)
    const net = this.#host.network
    net.emitTelemetry({
      type: 'input.rejected',
      at: this.#host.timers.clock.now(),
      peer: this.#local,
      remote,
      protocol: net.protocol(GROUPS_PROTOCOL),
      reason: 'unauthorized',
      detail,
    })
  }

  #down(bond: Bond, departed: boolean): void {
    if (this.#bonds.get(bond.peer) !== bond) return
    this.#bonds.delete(bond.peer)
    this.#grants.forget(bond.peer)
    const wasUp = bond.preference !== undefined
    if (wasUp) {
      this.#host.telemetry({ type: 'group.bond', remote: bond.peer, up: false })
      this.#mesh.local(bond.peer, false)
      this.#mesh.forget(bond.peer)
      for (const other of this.#bonds.values())
        if (other.isUp) other.send({ type: 'bondFormed', peer: bond.peer, up: false })
      this.#host.peerDown(bond.peer, departed)
    }
    if (this.#closed) return
    if (departed) this.#dialer.departed(bond.peer)
    else this.#dialer.lost(bond.peer)
  }
}
