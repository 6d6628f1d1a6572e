import { SystemClock } from '../core/clock.js'
import type { PeerId, UniqueId, Version } from '../core/id.js'
import type { GroupTelemetry } from '../core/telemetry.js'
import type { Watch } from '../core/watch.js'
import type { Channel, NetworkServices } from '../network/types.js'
import { Applier } from './applier.js'
import type { Bonds } from './bond/bonds.js'
import type { Inbox } from './bond/inbox.js'
import { Client } from './client.js'
import { type ConsensusConfig, DEFAULT_CONSENSUS, DEFAULT_SYNC, type SyncConfig } from './config.js'
import { GroupError } from './errors.js'
import { deriveGroupId } from './group-id.js'
import type { LogCommand } from './log-command.js'
import { memberBonds } from './member/bonding.js'
import { CatchUp } from './member/catch-up.js'
import { runEffects } from './member/effects.js'
import { Election } from './member/election.js'
import type { MemberParts } from './member/parts.js'
import { ReadyLoop } from './member/ready-loop.js'
import { restore, Snapshots } from './member/snapshots.js'
import { StatePublisher } from './member/state-publisher.js'
import { MemberTelemetry, type TelemetryBody } from './member/telemetry.js'
import { openStorage } from './open-storage.js'
import { OwnGrant } from './own-grant.js'
import { Pending } from './pending.js'
import type { LeadershipPreference, RaftCore } from './raft/types.js'
import { tickMs } from './raft-config.js'
import { describeReachability, type Reachability, reachability } from './reachability.js'
import type { Storage } from './storage.js'
import { TicketGate } from './ticket-gate.js'
import { Timers } from './timers.js'
import type {
  CallOptions,
  Consistency,
  Group,
  GroupState,
  IndexRange,
  JoinOptions,
  QueryResultAt,
  StateMachine,
} from './types.js'
import { When } from './when.js'

const shared = new SystemClock()

/**
 * One member of one group: the driver of docs/ARCHITECTURE.md "Groups". It builds the
 * member's rooms (`groups/member/`) and serves the public `Group` API; the rooms own the
 * work: the Ready loop feeds ticks, bond messages and proposals to the pure Raft core and
 * handles each `Ready` in the order the core asks (persist, send, roll back, apply, answer,
 * sync); the election decides when to stand outside the core's timer; catch-up pulls a
 * state that is ahead first; snapshots serve and install state and compact the log; the
 * state publisher tells subscribers.
 */
export class GroupMember<C, Q, R, I> implements Group<C, Q, R> {
  readonly id: UniqueId
  readonly peerId: PeerId
  readonly when: When
  readonly consensus: Readonly<ConsensusConfig>
  readonly syncConfig: Readonly<SyncConfig>
  readonly #net: NetworkServices
  readonly #sm: StateMachine<C, Q, R, I>
  readonly #storage: Storage
  readonly #timers: Timers
  readonly #telemetry: MemberTelemetry
  readonly #core: RaftCore<LogCommand>
  readonly #bonds: Bonds
  readonly #snapshots: Snapshots
  readonly #applier: Applier<C>
  readonly #pending: Pending
  readonly #client: Client
  readonly #publisher: StatePublisher
  readonly #state: Watch<GroupState>
  readonly #loop: ReadyLoop
  readonly #election: Election
  readonly #catchUp: CatchUp
  readonly #onLeave: (member: GroupMember<C, Q, R, I>) => void
  readonly #gate: TicketGate
  readonly #own: OwnGrant
  /** The view of this member its rooms share (`member/parts.ts`). */
  readonly #m: MemberParts
  /** What the app asked for; `#preference` is what this member's own tickets grant of it. */
  #declared: LeadershipPreference
  #preference: LeadershipPreference
  /** Unsubscribes from discovery. */
  readonly #off: Array<() => void> = []
  #closed = false
  /** A restart from storage that holds a snapshot point: the state itself must be fetched again. */
  readonly #restoredAt: Version
  /** The restart came back with the state machine's state too (durable storage): nothing to fetch. */
  readonly #restoredState: boolean

  constructor(net: NetworkServices, options: JoinOptions<C, Q, R, I>, onLeave: (m: GroupMember<C, Q, R, I>) => void) {
    this.#net = net
    this.#sm = options.stateMachine
    const sm = this.#sm as StateMachine<unknown, unknown, unknown, unknown>
    this.consensus = Object.freeze({ ...DEFAULT_CONSENSUS, ...options.consensus })
    this.syncConfig = Object.freeze({ ...DEFAULT_SYNC, ...options.sync })
    this.#gate = new TicketGate(net.discovery, options.requireTicket, options.writeAuth)
    this.id = deriveGroupId(
      options.key,
      this.consensus,
      this.#sm.signature(),
      this.syncConfig,
      this.#gate.auth,
      this.#gate.writeAuth,
    )
    this.peerId = net.peerId
    this.#declared = options.preference ?? this.#sm.leadershipPreference?.() ?? 'normal'
    this.#timers = new Timers(options.clock ?? shared)
    this.#telemetry = new MemberTelemetry(net, this.id, this.#timers.clock, options.labels, {
      typeName: this.#sm.signature().toString(),
      sync: this.syncConfig,
      consensus: this.consensus,
    })
    this.#own = new OwnGrant(
      this.#gate,
      this.#timers,
      Math.max(1_000, this.consensus.electionTimeout),
      () => this.#applyPreference(this.#own.granted(this.#declared)),
      (reason, detail) =>
        this.#telemetry.emit({ type: 'group.refused', remote: this.peerId, reason, detail: `this peer: ${detail}` }),
    )
    this.#preference = this.#own.granted(this.#declared)
    this.#onLeave = onLeave
    this.#storage = openStorage(
      net,
      this.id.toString(),
      options.storage,
      (e) => this.#telemetry.emit(e as unknown as TelemetryBody),
      () => {
        // Its store lost, refused or cannot keep what it voted for: a strict member could act
        // without what it acknowledged, so it stops voting (after the Ready under way).
        if (this.consensus.minVoters > 0) queueMicrotask(() => this.setPreference('observer'))
      },
    )
    const restored = restore(this.#storage, sm, {
      peerId: this.peerId,
      preference: this.preference,
      consensus: this.consensus,
      name: this.id.short(),
    })
    this.#core = restored.core
    this.#restoredAt = restored.at
    this.#restoredState = restored.withState
    this.#applier = new Applier<C>(
      this.#sm as StateMachine<C, unknown, unknown, unknown>,
      this.id.short(),
      this.#restoredAt,
      {
        snapshotAt: (index, term, by, leader) => this.#snapshots.hold(index, term, by, leader),
        entry: (index, term, leader) => this.#snapshots.lineage.note(index, term, leader),
        tagged: (index, tag) => this.#pending.tagApplied(index, tag),
        committed: (version, count) => this.#telemetry.emit({ type: 'group.committed', version, count }),
      },
    )
    this.#m = this.#parts(sm)
    this.#publisher = new StatePublisher(this.#m)
    this.#state = this.#publisher.state
    this.when = new When(this.#state, this.#publisher.reverted)
    this.#pending = new Pending(this.#timers, this.#state)
    this.#client = new Client({
      peerId: this.peerId,
      core: this.#core,
      pending: this.#pending,
      state: this.#state,
      clock: this.#timers.clock,
      retryMs: Math.max(10, tickMs(this.consensus) * 2),
      encodeCommand: sm.encodeCommand?.bind(sm),
      drain: () => this.#loop.proposal(),
      closed: () => this.#closed,
      explain: () => describeReachability(this.reachability()),
    })
    const effects = {
      tookOffice: (lastIndex: Version) => this.#catchUp.tookOffice(lastIndex),
      reverted: (to: Version) => {
        this.#publisher.noteReverted(to)
        this.#snapshots.reverted(to)
      },
      needsSnapshot: (index: Version) => this.#snapshots.start(index),
    }
    this.#loop = new ReadyLoop(this.#m, {
      effects: (rd) => runEffects(this.#m, effects, rd),
      drained: (checkpoint) => {
        this.#snapshots.compact()
        if (checkpoint) this.#snapshots.checkpoint()
        this.#publisher.publish()
      },
    })
    this.#catchUp = new CatchUp(this.#m)
    this.#election = new Election(this.#m, this.#catchUp, () => this.#snapshots.keepsOut)
    this.#snapshots = new Snapshots(this.#m, (ok) => this.#catchUp.done(ok), this.#publisher, restored)
    this.#bonds = memberBonds(this.#m, options.key, this.#gate, { election: this.#election, loop: this.#loop })
  }

  /** The view of this member its rooms share: collaborators, and the calls across rooms. */
  #parts(sm: StateMachine<unknown, unknown, unknown, unknown>): MemberParts {
    const member = this
    return {
      id: this.id,
      peerId: this.peerId,
      net: this.#net,
      sm,
      consensus: this.consensus,
      syncConfig: this.syncConfig,
      timers: this.#timers,
      core: this.#core,
      storage: this.#storage,
      telemetry: this.#telemetry,
      applier: this.#applier as Applier<unknown>,
      get pending() {
        return member.#pending
      },
      get client() {
        return member.#client
      },
      get bonds() {
        return member.#bonds
      },
      get sync() {
        return member.#snapshots.sync
      },
      get preference() {
        return member.#preference
      },
      get closed() {
        return member.#closed
      },
      input: (fn) => this.#loop.input(fn),
      publish: () => this.#publisher.publish(),
      electIfAlone: () => this.#election.electIfAlone(),
      catchUpIfNewLeader: () => this.#catchUp.ifNewLeader(),
      refreshPreference: () => this.#election.refreshPreference(),
    }
  }

  /** Announces membership, starts bonding and ticking. Called once by `Groups.join`. */
  start(): void {
    const s = this.#state.get()
    this.#telemetry.emit({ type: 'group.joined', preference: this.preference, ...this.#telemetry.labelFields() })
    this.#telemetry.emit({ type: 'group.state', ...this.#publisher.stateBody(s) })
    this.#net.discovery.joinGroup(this.id, this.#telemetry.storeLabel())
    this.#bonds.start()
    this.#loop.tick(true)
    // A store without the state machine's state (memory, or a durable one that lost it): a
    // member restarted past a snapshot point fetches the state again (entries after it are
    // replayed by the core). A durable store's state was installed in the constructor.
    if (this.#restoredAt > 0 && !this.#restoredState) this.#snapshots.start(this.#restoredAt)
    // A restart applies the committed entries it restored at once, not on the first input.
    this.#loop.drain()
    this.#off.push(...this.#election.start())
    this.#own.start()
  }

  /**
   * Replays, to `listener` only, what this member reported so far and still holds: its
   * `group.joined` (current preference and labels), its current `group.state`, its bonds
   * that are up (`group.bond`) and the other members' bonds it knows (`group.mesh`). For
   * devtools attached after the member started.
   */
  replayTelemetry(listener: (event: GroupTelemetry) => void): void {
    if (this.#closed) return
    this.#publisher.replay(listener)
  }

  /** An incoming bond for this group (its `hello` was already read). */
  acceptBond(channel: Channel, inbox: Inbox, nonce: Uint8Array): void {
    this.#bonds.accept(channel, inbox, nonce)
  }

  // ---- public API --------------------------------------------------------------------

  get closed(): boolean {
    return this.#closed
  }

  get preference(): LeadershipPreference {
    return this.#preference
  }

  setPreference(preference: LeadershipPreference): void {
    if (this.#closed) return
    this.#declared = preference
    this.#applyPreference(this.#own.granted(preference))
  }

  #applyPreference(preference: LeadershipPreference): void {
    if (this.#closed || preference === this.#preference) return
    this.#preference = preference
    this.#bonds.setPreference(preference)
    this.#telemetry.emit({ type: 'group.joined', preference, ...this.#telemetry.labelFields() })
    // While catching up, held back or its state must be replaced, the core stays an observer.
    this.#m.refreshPreference()
    this.#election.electIfAlone()
  }

  execute(command: C, options?: CallOptions): Promise<Version> {
    return this.executeMany([command], options).then((r) => r.last)
  }

  async executeMany(commands: readonly C[], options: CallOptions = {}): Promise<IndexRange> {
    // One deadline bounds the whole call: the check of this member's own tickets, the append, the apply.
    const deadline = this.#client.deadline(options)
    if (this.#own.mustAuthorize(this.#preference)) await this.#authorize(deadline, options)
    return this.#loop.track(() => this.#client.execute(commands, options, deadline))
  }

  feed(command: C, options?: CallOptions): Promise<Version> {
    return this.feedMany([command], options).then((r) => r.last)
  }

  async feedMany(commands: readonly C[], options: CallOptions = {}): Promise<IndexRange> {
    const deadline = this.#client.deadline(options)
    if (this.#own.mustAuthorize(this.#preference)) await this.#authorize(deadline, options)
    return this.#loop.track(async () => (await this.#client.feed(commands, options, deadline)).range)
  }

  /** Rejects `unauthorized` when this member may not write; the check counts against the call's deadline. */
  async #authorize(deadline: number, options: CallOptions): Promise<void> {
    const check = this.#own.authorize(this.#preference)
    await this.#pending.race(check, this.#client.remaining(deadline), "check of this peer's tickets", options.signal)
  }

  async query(query: Q, consistency: Consistency = 'weak', options: CallOptions = {}): Promise<QueryResultAt<R>> {
    if (this.#closed) throw new GroupError('closed', 'the group was left')
    if (consistency === 'strong') await this.#client.readBarrier(options)
    return { result: this.#sm.query(query), at: this.#applier.applied }
  }

  isLeader(): boolean {
    return this.#state.get().role === 'leader'
  }

  leader(): PeerId | undefined {
    return this.#state.get().leader
  }

  committed(): Version {
    return this.#applier.applied
  }

  subscribe(listener: () => void): () => void {
    return this.#state.subscribe(() => listener())
  }

  getSnapshot(): GroupState {
    return this.#state.get()
  }

  /** What this member can reach of the group's voters now: why a write cannot commit. */
  reachability(): Reachability {
    const s = this.#core.status()
    return reachability({
      self: this.peerId,
      preference: this.#preference,
      leader: s.leader,
      bonded: s.peers,
      listed: this.#closed ? [] : this.#net.discovery.peersInGroup(this.id),
      minVoters: this.consensus.minVoters,
    })
  }

  mesh(): ReadonlyArray<readonly [PeerId, PeerId]> {
    return this.#bonds.mesh()
  }

  /** Timers this member has scheduled (0 after `leave()`). */
  get activeTimers(): number {
    return this.#timers.size
  }

  /** Log entries kept in memory by the core (bounded by compaction). */
  get logLength(): number {
    return this.#publisher.logLength
  }

  async leave(): Promise<void> {
    if (this.#closed) return
    // What the core still has to say goes out before the bonds close.
    this.#loop.drain(true)
    const learning = this.#loop.learnCommit()
    if (learning) await learning
    const settling = this.#loop.settle()
    if (settling) await settling
    if (this.#closed) return
    this.#closed = true
    this.#own.stop()
    this.#storage.close?.()
    this.#snapshots.sync.close()
    for (const off of this.#off.splice(0)) off()
    this.#bonds.leave()
    this.#timers.clear()
    this.#pending.close(new GroupError('closed', 'the group was left'))
    this.when.close()
    this.#state.close()
    if (!this.#net.stopped) this.#net.discovery.leaveGroup(this.id)
    this.#telemetry.emit({ type: 'group.left' })
    this.#onLeave(this)
  }
}
