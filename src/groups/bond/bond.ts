import type { PeerId } from '../../core/id.js'
import type { Channel, CloseInfo } from '../../network/types.js'
import type { LeadershipPreference } from '../raft/types.js'
import type { Timers } from '../timers.js'
import { Heartbeat, type HeartbeatConfig } from './heartbeat.js'
import { type BondFrame, type BondMessage, parseBondMessage } from './messages.js'

/** What an established bond reports to its owner. */
export interface BondEvents {
  /** The peer's `welcome` arrived: the bond is usable. */
  up(bond: Bond): void
  /** Any later frame (ping/pong are handled here). */
  message(bond: Bond, message: BondMessage): void
  /** The bond ended; `departed` when the peer left gracefully. Called once. */
  down(bond: Bond, info: { departed: boolean; reason: string }): void
  /** Our own applied index, stamped on pings and pongs. */
  position?(): number
  /** The peer reported a new applied index in a ping or pong (its `welcome` sets the first). */
  positionChanged?(bond: Bond): void
}

/**
 * One authenticated link to one member (mosaik `BondWorker`): sends our `welcome`, checks
 * every frame, answers pings, watches liveness, and closes only itself on bad input.
 */
export class Bond {
  readonly peer: PeerId
  readonly local: PeerId
  /** Who opened the channel; decides which of two simultaneous bonds survives. */
  readonly initiator: PeerId
  readonly #channel: Channel
  readonly #events: BondEvents
  readonly #heartbeat: Heartbeat
  #preference: LeadershipPreference | undefined
  #applied: number | undefined
  #seq = 0
  #down = false
  #departed = false
  #unsubs: (() => void)[] = []

  constructor(channel: Channel, local: PeerId, timers: Timers, heartbeat: HeartbeatConfig, events: BondEvents) {
    this.#channel = channel
    this.peer = channel.remotePeer
    this.local = local
    this.initiator = channel.initiator ? local : channel.remotePeer
    this.#events = events
    this.#heartbeat = new Heartbeat(
      timers,
      heartbeat,
      () => this.send({ type: 'ping', seq: ++this.#seq, ...this.#position() }),
      () => this.close('heartbeat', `missed ${heartbeat.maxMissed} heartbeats`),
    )
  }

  /** Starts the steady state: `welcome` first, then heartbeats. `pending` are frames read during the handshake. */
  start(welcome: BondMessage, pending: unknown[]): void {
    this.#unsubs.push(
      this.#channel.onClose((info) => this.#closed(info)),
      this.#channel.onMessage((m) => this.#receive(m)),
    )
    this.send(welcome)
    for (const m of pending) this.#receive(m)
    if (!this.#down) this.#heartbeat.start()
  }

  /** The peer's preference, known once it is up; follows its later `preference` frames. */
  get preference(): LeadershipPreference | undefined {
    return this.#preference
  }

  /** The peer announced a new preference in a `preference` frame (its `welcome` set the first). */
  preferenceChanged(preference: LeadershipPreference): void {
    if (this.#preference !== undefined) this.#preference = preference
  }

  /** The peer's applied index as it last reported it (welcome, ping or pong); undefined if it never did. */
  get applied(): number | undefined {
    return this.#applied
  }

  get isUp(): boolean {
    return this.#preference !== undefined && !this.#down
  }

  send(message: BondFrame): boolean {
    if (this.#down) return false
    return this.#channel.send(message)
  }

  /** Graceful close: tell the peer we leave, then close. */
  depart(): void {
    this.send({ type: 'departure' })
    this.close('departure')
  }

  close(reason: string, detail?: string): void {
    this.#channel.close(reason, detail)
    this.#closed({ by: 'local', reason, ...(detail ? { detail } : {}) })
  }

  #receive(raw: unknown): void {
    if (this.#down) return
    const m = parseBondMessage(raw, this.peer, this.local)
    if (!m) {
      // Bad input closes only this bond; it is counted as input.rejected by the channel.
      this.#channel.reject('malformed', 'invalid bond frame')
      this.#closed({ by: 'local', reason: 'malformed' })
      return
    }
    this.#heartbeat.heard()
    if (this.#preference === undefined) {
      if (m.type !== 'welcome') {
        this.#channel.reject('protocol', `expected welcome, got ${m.type}`)
        this.#closed({ by: 'local', reason: 'protocol' })
        return
      }
      this.#preference = m.preference
      this.#applied = m.applied
      this.#dispatch(() => {
        this.#events.up(this)
        this.#events.message(this, m)
      })
      return
    }
    switch (m.type) {
      case 'ping':
        this.send({ type: 'pong', seq: m.seq, ...this.#position() })
        this.#learn(m.applied)
        return
      case 'pong':
        this.#learn(m.applied)
        return
      case 'departure':
        this.#departed = true
        this.close('departure')
        return
      default:
        this.#dispatch(() => this.#events.message(this, m))
    }
  }

  #position(): { applied?: number } {
    const applied = this.#events.position?.()
    return applied === undefined ? {} : { applied }
  }

  #learn(applied: number | undefined): void {
    if (applied === undefined || applied === this.#applied) return
    this.#applied = applied
    this.#dispatch(() => this.#events.positionChanged?.(this))
  }

  /** A bug above must not escape into the network layer's stream handling. */
  #dispatch(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      console.error(`mosaik-react: handling a frame from ${this.peer} failed`, err)
    }
  }

  #closed(info: CloseInfo): void {
    if (this.#down) return
    this.#down = true
    this.#heartbeat.stop()
    for (const u of this.#unsubs) u()
    this.#unsubs = []
    this.#events.down(this, { departed: this.#departed, reason: String(info.reason ?? info.by) })
  }
}
