/**
 * An in-process stand-in for `network.groups.join` that implements the public `Group`
 * contract over one shared log, so the cell handle can be unit-tested without libp2p:
 * every "replica" on the same `FakeBus` applies the same commands in the same order.
 */
import type { PeerId, Version } from '../../src/core/id.js'
import { UniqueId } from '../../src/core/id.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { Emitter, Watch } from '../../src/core/watch.js'
import { GroupError } from '../../src/groups/errors.js'
import type {
  CallOptions,
  Group,
  GroupState,
  JoinOptions,
  LeadershipPreference,
  StateMachine,
} from '../../src/groups/types.js'
import { When } from '../../src/groups/when.js'
import type { Network } from '../../src/network/network.js'

export class FakeBus {
  readonly log: unknown[] = []
  readonly members = new Set<FakeGroup>()
  /** When false, writes fail `offline` at once (no leader). */
  online = true
  /** When true, writes never commit (a leader that went silent). */
  hang = false
  /** Commands proposed while `batching`, applied together by `flush()`. */
  batching = false
  #queued: { command: unknown; resolve: (v: Version) => void }[] = []

  commit(command: unknown): Promise<Version> {
    if (!this.online) return Promise.reject(new GroupError('offline', 'no leader'))
    if (this.hang) return new Promise(() => {})
    return new Promise((resolve) => {
      this.#queued.push({ command, resolve })
      if (!this.batching) this.flush()
    })
  }

  /** Commits every queued command as one batch on every member. */
  flush(): void {
    const queued = this.#queued.splice(0)
    if (queued.length === 0) return
    const first = this.log.length + 1
    for (const q of queued) this.log.push(q.command)
    for (const m of this.members)
      m.applyRange(
        first,
        queued.map((q) => q.command),
      )
    queued.forEach((q, i) => {
      q.resolve(first + i)
    })
  }
}

export class FakeGroup implements Group<unknown> {
  readonly id: UniqueId
  readonly peerId: PeerId
  preference: LeadershipPreference
  readonly when: When
  readonly state: Watch<GroupState>
  readonly #bus: FakeBus
  readonly #machine: StateMachine<unknown, never, never, unknown>
  readonly #reverted = new Emitter<Version>()
  closed = false

  constructor(bus: FakeBus, peerId: string, options: JoinOptions<unknown, never, never, unknown>) {
    this.#bus = bus
    this.peerId = peerId
    this.#machine = options.stateMachine
    this.preference = options.stateMachine.leadershipPreference?.() ?? 'normal'
    this.id = UniqueId.from(options.key).derive(options.stateMachine.signature())
    this.state = new Watch<GroupState>({
      role: 'follower',
      term: 1,
      leader: 'leader-peer',
      online: bus.online,
      commit: 0,
      applied: 0,
      syncing: false,
      bonds: [],
    })
    this.when = new When(this.state, this.#reverted)
    // A late member installs a donor's state as a snapshot, as the real sync does.
    const donor = [...bus.members][0]
    bus.members.add(this)
    if (donor && bus.log.length > 0) {
      this.#machine.installSnapshot?.(donor.snapshotItems())
      this.#set({ applied: bus.log.length, commit: bus.log.length })
    }
  }

  applyRange(first: number, commands: unknown[]): void {
    if (this.closed) return
    const lastIndex = first + commands.length - 1
    const ctx = { term: 1, firstIndex: first, lastIndex }
    if (this.#machine.applyBatch) this.#machine.applyBatch(commands, ctx)
    else
      for (const [i, c] of commands.entries())
        this.#machine.apply(c, { term: 1, firstIndex: first + i, lastIndex: first + i })
    this.#set({ applied: lastIndex, commit: lastIndex })
  }

  snapshotItems(): unknown[] {
    const snap = this.#machine.createSnapshot?.()
    return snap ? snap.range(0, snap.length) : []
  }

  setOnline(online: boolean): void {
    this.#set({ online, leader: online ? 'leader-peer' : undefined })
  }

  #set(patch: Partial<GroupState>): void {
    this.state.set({ ...this.state.get(), ...patch })
  }

  /** Bounded by `options.timeout` as the `Group` contract says (the write's only timer). */
  execute(command: unknown, options?: CallOptions): Promise<Version> {
    if (this.closed) return Promise.reject(new GroupError('closed', 'left'))
    const commit = this.#bus.commit(command)
    const ms = options?.timeout
    if (ms === undefined) return commit
    return new Promise<Version>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new GroupError('offline', `no commit within ${ms} ms`, { timedOut: true })),
        ms,
      )
      commit.then(
        (v) => {
          clearTimeout(timer)
          resolve(v)
        },
        (err: unknown) => {
          clearTimeout(timer)
          reject(err)
        },
      )
    })
  }
  executeMany(): never {
    throw new Error('not used by cells')
  }
  feed(): never {
    throw new Error('not used by cells')
  }
  feedMany(): never {
    throw new Error('not used by cells')
  }
  query(): never {
    throw new Error('not used by cells')
  }
  isLeader(): boolean {
    return false
  }
  setPreference(preference: LeadershipPreference): void {
    this.preference = preference
  }
  leader(): PeerId | undefined {
    return this.state.get().leader
  }
  committed(): Version {
    return this.state.get().applied
  }
  subscribe(listener: () => void): () => void {
    return this.state.subscribe(() => listener())
  }
  getSnapshot(): GroupState {
    return this.state.get()
  }
  mesh(): never[] {
    return []
  }
  async leave(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.#bus.members.delete(this)
    this.when.close()
    this.state.close()
  }
}

/** A stand-in `Network` with just what a cell uses. */
export function fakeNetwork(bus: FakeBus, peerId = `peer-${Math.random().toString(36).slice(2, 8)}`) {
  const abort = new AbortController()
  const telemetry: TelemetryEvent[] = []
  const groups: FakeGroup[] = []
  const net = {
    peerId,
    get stopped() {
      return abort.signal.aborted
    },
    signal: abort.signal,
    emitTelemetry: (e: TelemetryEvent) => telemetry.push(e),
    groups: {
      // Like the real `Groups.join`: one member per group id per network.
      join: (options: JoinOptions<unknown, never, never, unknown>) => {
        const g = new FakeGroup(bus, peerId, options)
        const existing = groups.find((x) => x.id.equals(g.id) && !x.closed)
        if (existing) {
          void g.leave()
          return existing
        }
        groups.push(g)
        return g
      },
    },
    async stop() {
      abort.abort()
      for (const g of groups) await g.leave()
    },
  }
  return { network: net as unknown as Network, stop: net.stop, telemetry, groups }
}
