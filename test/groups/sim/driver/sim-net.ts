import type { RejectReason } from '../../../../src/core/errors.js'
import { DEFAULT_MAX_FRAME_SIZE } from '../../../../src/core/framing.js'
import type { PeerId } from '../../../../src/core/id.js'
import type { TelemetryEvent } from '../../../../src/core/telemetry.js'
import type {
  Channel,
  ChannelOptions,
  NetworkService,
  NetworkServices,
  PeerEntry,
} from '../../../../src/network/types.js'
import type { Random } from '../rng.js'
import type { Life, Scheduler } from './scheduler.js'
import { type ChannelCarrier, SimChannel } from './sim-channel.js'
import { SimDiscovery } from './sim-discovery.js'

/** Link behaviour, drawn per frame from the seed. */
export interface LinkFaults {
  readonly minDelayMs: number
  readonly maxDelayMs: number
  /** Chance that a frame breaks its stream instead of arriving (a lost connection). */
  readonly resetChance: number
}

/** How long a silent (crashed) peer's entry stays in the others' catalogs. */
const PURGE_MS = 8_000

/**
 * The simulated network: processes, the links between them (seeded delay, resets, partitions)
 * and discovery. Channels carry bytes through the scheduler, so every delivery is an event.
 */
export class SimNet {
  readonly sched: Scheduler
  readonly rng: Random
  faults: LinkFaults
  readonly #procs = new Map<PeerId, SimProcess>()
  /** Side of the partition per peer; peers on different sides cannot reach each other. */
  #side = new Map<PeerId, number>()
  /** `input.rejected` events, by reason. */
  readonly rejected = new Map<string, number>()
  readonly telemetry: ((e: TelemetryEvent) => void)[] = []

  constructor(sched: Scheduler, rng: Random, faults: LinkFaults) {
    this.sched = sched
    this.rng = rng
    this.faults = faults
  }

  /** Starts a process; it learns the catalog of every live process after a delay. */
  spawn(peerId: PeerId): SimProcess {
    const proc = new SimProcess(this, peerId)
    this.#procs.set(peerId, proc)
    for (const other of this.#procs.values()) {
      if (other === proc || !other.life.alive) continue
      const entry = other.discovery.self()
      this.#later(proc.life, () => proc.discovery.receive(entry))
    }
    this.#changed()
    return proc
  }

  /** The process dies at once: timers, channels and discovery go silent; peers see resets later. */
  crash(peerId: PeerId): void {
    const proc = this.#procs.get(peerId)
    if (!proc?.life.alive) return
    proc.life.alive = false
    proc.discovery.kill()
    for (const ch of proc.channels) {
      ch.silence()
      const far = ch.peer
      if (far) this.sched.at(this.#delay(), () => far.ended({ by: 'error', reason: 'reset' }))
    }
    proc.channels.clear()
    this.#changed()
    this.sched.at(PURGE_MS, () => {
      if (this.#procs.get(peerId) !== proc) return
      for (const other of this.#procs.values()) if (other.life.alive) other.discovery.purge(peerId)
    })
  }

  /** Sides: peers listed together reach each other; unlisted peers are on side 0. Crossing channels reset. */
  partition(sides: readonly (readonly PeerId[])[]): void {
    this.#side = new Map()
    sides.forEach((side, i) => {
      for (const p of side) this.#side.set(p, i + 1)
    })
    for (const proc of this.#procs.values())
      for (const ch of [...proc.channels]) if (!this.reachable(ch.localPeer, ch.remotePeer)) ch.reset()
    this.#changed()
  }

  heal(): void {
    this.partition([])
  }

  reachable(a: PeerId, b: PeerId): boolean {
    const pa = this.#procs.get(a)
    const pb = this.#procs.get(b)
    return !!pa?.life.alive && !!pb?.life.alive && (this.#side.get(a) ?? 0) === (this.#side.get(b) ?? 0)
  }

  connected(from: PeerId): PeerId[] {
    return [...this.#procs.keys()].filter((p) => p !== from && this.reachable(from, p)).sort()
  }

  announce(from: SimProcess, entry: PeerEntry): void {
    for (const other of this.#procs.values()) {
      if (other === from || !other.life.alive) continue
      this.#later(other.life, () => other.discovery.receive(entry))
    }
  }

  /** Opens a channel pair after a delay, or fails the dial. */
  dial(from: SimProcess, to: PeerId, name: string, options: ChannelOptions | undefined): Promise<Channel> {
    return new Promise<Channel>((resolve, reject) => {
      this.#later(from.life, () => {
        const target = this.#procs.get(to)
        const handler = target?.handlers.get(name)
        if (!target || !handler || !this.reachable(from.peerId, to)) {
          reject(new Error(`dial ${to} failed`))
          return
        }
        const protocol = from.protocol(name)
        const carrier = this.#carrier(from)
        const mine = new SimChannel(
          carrier,
          from.peerId,
          to,
          protocol,
          true,
          options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
        )
        const theirs = new SimChannel(
          this.#carrier(target),
          to,
          from.peerId,
          protocol,
          false,
          handler.options?.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
        )
        mine.peer = theirs
        theirs.peer = mine
        from.channels.add(mine)
        target.channels.add(theirs)
        mine.onClose(() => from.channels.delete(mine))
        theirs.onClose(() => target.channels.delete(theirs))
        handler.fn(theirs)
        resolve(mine)
      })
    })
  }

  #carrier(proc: SimProcess): ChannelCarrier {
    return {
      carry: (ch, fn) => {
        if (!this.reachable(ch.localPeer, ch.remotePeer)) return false
        if (this.rng.chance(this.faults.resetChance)) return false
        const far = this.#procs.get(ch.remotePeer)
        const at = Math.max(this.sched.now + this.#delay(), ch.lastAt)
        ch.lastAt = at
        this.sched.at(at - this.sched.now, fn, far?.life)
        return true
      },
      rejected: (ch, reason, detail) => this.#rejected(proc, ch.remotePeer, ch.protocol, reason, detail),
      tamper: (ch, m) => (proc.tamper ? proc.tamper(ch, m) : m),
    }
  }

  #rejected(proc: SimProcess, remote: PeerId, protocol: string, reason: RejectReason, detail: string): void {
    proc.emitTelemetry({
      type: 'input.rejected',
      at: this.sched.now,
      peer: proc.peerId,
      remote,
      protocol,
      reason,
      detail,
    })
  }

  #delay(): number {
    return this.rng.int(this.faults.minDelayMs, this.faults.maxDelayMs)
  }

  #later(life: Life, fn: () => void): void {
    this.sched.at(this.#delay(), fn, life)
  }

  #changed(): void {
    for (const proc of this.#procs.values()) if (proc.life.alive) proc.discovery.changed()
  }
}

/** One simulated network process: the `NetworkServices` a real `Groups` and `GroupMember` run on. */
export class SimProcess implements NetworkServices {
  readonly peerId: PeerId
  readonly discovery: SimDiscovery
  readonly life: Life = { alive: true }
  readonly handlers = new Map<string, { fn: (ch: Channel) => void; options: ChannelOptions | undefined }>()
  readonly channels = new Set<SimChannel>()
  /** A hostile process rewrites what it sends (see `SimChannel.send`). */
  tamper: ((ch: SimChannel, m: unknown) => unknown) | undefined
  readonly #net: SimNet
  readonly #services = new Map<string, NetworkService>()
  readonly #telemetry = new Set<(e: TelemetryEvent) => void>()

  constructor(net: SimNet, peerId: PeerId) {
    this.#net = net
    this.peerId = peerId
    this.discovery = new SimDiscovery(
      { now: () => net.sched.now, connected: () => net.connected(peerId), announce: (e) => net.announce(this, e) },
      peerId,
      net.sched.now,
    )
  }

  get stopped(): boolean {
    return !this.life.alive
  }

  protocol(name: string): string {
    return `/mosaik/sim/${name}/1`
  }

  handle(name: string, handler: (channel: Channel) => void, options?: ChannelOptions): void {
    this.handlers.set(name, { fn: handler, options })
  }

  unhandle(name: string): void {
    this.handlers.delete(name)
  }

  openChannel(peer: PeerId, name: string, options?: ChannelOptions): Promise<Channel> {
    if (!this.life.alive) return Promise.reject(new Error('process is dead'))
    return this.#net.dial(this, peer, name, options)
  }

  connectedPeers(): PeerId[] {
    return this.#net.connected(this.peerId)
  }

  onTelemetry(listener: (event: TelemetryEvent) => void): () => void {
    this.#telemetry.add(listener)
    return () => this.#telemetry.delete(listener)
  }

  emitTelemetry(event: TelemetryEvent): void {
    if (event.type === 'input.rejected')
      this.#net.rejected.set(event.reason, (this.#net.rejected.get(event.reason) ?? 0) + 1)
    for (const l of this.#net.telemetry) l(event)
    for (const l of [...this.#telemetry]) l(event)
  }

  service<T extends NetworkService>(key: string, create: () => T): T {
    let s = this.#services.get(key)
    if (!s) {
      s = create()
      this.#services.set(key, s)
    }
    return s as T
  }
}
