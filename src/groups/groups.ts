import { type Clock, SystemClock } from '../core/clock.js'
import { ClosedError } from '../core/errors.js'
import { UniqueId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import type { Channel, NetworkService, NetworkServices } from '../network/types.js'
import { GROUPS_PRE_AUTH_BYTES, GROUPS_PROTOCOL } from './bond/bonds.js'
import { BondFailure, Inbox } from './bond/inbox.js'
import { parseHandshakeFrame } from './bond/messages.js'
import { DEFAULT_CONSENSUS, DEFAULT_SYNC } from './config.js'
import { GroupMember } from './group.js'
import { deriveGroupId } from './group-id.js'
import { Timers } from './timers.js'
import type { Group, JoinOptions } from './types.js'

const HELLO_TIMEOUT_MS = 5_000

/**
 * The groups of one network (mosaik `Groups`): `join` creates a member; one protocol
 * handler (`/mosaik/<net>/groups/3`) serves every group, routing each incoming bond by
 * the group its first frame names. Stopped with the network.
 */
export class Groups implements NetworkService {
  readonly #net: NetworkServices
  readonly #members = new Map<string, GroupMember<never, never, never, never>>()
  readonly #timers: Timers
  #handling = false
  #stopped = false

  /** `clock` bounds the wait for an incoming bond's hello; the driver simulator passes its own. */
  constructor(network: NetworkServices, clock: Clock = new SystemClock()) {
    this.#net = network
    this.#timers = new Timers(clock)
  }

  /**
   * Joins a group: derives its id from the key, consensus settings, state-machine
   * signature and sync settings, announces membership through discovery and bonds with
   * every member found. Joining a group this network already is a member of returns that
   * member (as mosaik does); the state machine passed the second time is not used.
   * Throws `ClosedError` when the network is stopped; everything later is reported through
   * the returned `Group` (rejected promises, state, telemetry), never thrown.
   */
  join<C, Q = never, R = never, I = unknown>(options: JoinOptions<C, Q, R, I>): Group<C, Q, R> {
    if (this.#stopped || this.#net.stopped) throw new ClosedError('network')
    const key = deriveGroupId(
      options.key,
      { ...DEFAULT_CONSENSUS, ...options.consensus },
      options.stateMachine.signature(),
      { ...DEFAULT_SYNC, ...options.sync },
      options.requireTicket,
      options.writeAuth,
    ).toString()
    const existing = this.#members.get(key)
    if (existing && !existing.closed) return existing as unknown as Group<C, Q, R>
    const member = new GroupMember<C, Q, R, I>(this.#net, options, (m) => {
      if (this.#members.get(key) === (m as unknown)) this.#members.delete(key)
    })
    this.#members.set(key, member as unknown as GroupMember<never, never, never, never>)
    if (!this.#handling) {
      this.#handling = true
      this.#net.handle(GROUPS_PROTOCOL, (ch) => this.#incoming(ch), { preAuthBytes: GROUPS_PRE_AUTH_BYTES })
    }
    member.start()
    return member
  }

  /** `NetworkService.replayTelemetry`: every member's joined, state and live bonds, to `listener` only. */
  replayTelemetry(listener: (event: TelemetryEvent) => void): void {
    for (const m of this.#members.values()) {
      try {
        m.replayTelemetry(listener)
      } catch (err) {
        console.error('mosaik-react: replaying group telemetry failed', err)
      }
    }
  }

  /** Members of this network, by group id hex. */
  get members(): ReadonlyMap<string, Group<unknown, unknown, unknown>> {
    return this.#members as unknown as ReadonlyMap<string, Group<unknown, unknown, unknown>>
  }

  /** Leaves every group (graceful departure) and stops serving bonds. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    await Promise.all([...this.#members.values()].map((m) => m.leave()))
    this.#members.clear()
    this.#timers.clear()
    if (this.#handling && !this.#net.stopped) this.#net.unhandle(GROUPS_PROTOCOL)
    this.#handling = false
  }

  #incoming(channel: Channel): void {
    const inbox = new Inbox(channel)
    inbox
      .next(this.#timers, HELLO_TIMEOUT_MS, 'hello frame')
      .then((raw) => {
        const hello = parseHandshakeFrame(raw)
        if (hello?.type !== 'hello') throw new BondFailure('malformed', 'expected a hello frame')
        const member = this.#members.get(UniqueId.from(hello.group).toString())
        if (!member || member.closed) throw new BondFailure('wrong-group', 'not a member of the named group')
        member.acceptBond(channel, inbox, hello.nonce)
      })
      .catch((err: unknown) => {
        inbox.release()
        // A silent peer is refused and counted like any other bad input.
        if (err instanceof BondFailure && err.reason !== 'closed') channel.reject(err.reason, err.message)
        else channel.close('closed')
      })
  }
}
