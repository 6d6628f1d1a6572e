import { SystemClock } from '../core/clock.js'
import type { RejectReason } from '../core/errors.js'
import type { PeerId, UniqueId, Version } from '../core/id.js'
import { toId } from '../core/id.js'
import type { GroupTelemetry } from '../core/telemetry.js'
import { Emitter, Watch } from '../core/watch.js'
import { storeLabel } from '../discovery/store-labels.js'
import type { Channel, NetworkServices } from '../network/types.js'
import { Applier } from './applier.js'
import { Bonds, GROUPS_PROTOCOL } from './bond/bonds.js'
import type { Inbox } from './bond/inbox.js'
import type { BondMessage } from './bond/messages.js'
import { Client } from './client.js'
import { type ConsensusConfig, DEFAULT_CONSENSUS, DEFAULT_SYNC, type SyncConfig } from './config.js'
import { GroupError } from './errors.js'
import { FlushPolicy } from './flush-policy.js'
import { consensusDigest, deriveGroupId, syncSignature } from './group-id.js'
import { type LogCommand, NOOP } from './log-command.js'
import { nextTurn } from './next-turn.js'
import { openStorage } from './open-storage.js'
import { OwnGrant } from './own-grant.js'
import { Pending } from './pending.js'
import { createRaft, StrictModeViolation } from './raft/index.js'
import { MAX_TERM_JUMP, termJumpAllowed } from './raft/limits.js'
import type { LeadershipPreference, Message, RaftCore, RaftRestore, Ready } from './raft/types.js'
import { raftConfig, standNow, tickMs } from './raft-config.js'
import { describeReachability, type Reachability, reachability } from './reachability.js'
import { ReadyOutbox } from './ready-outbox.js'
import { sendSplitting } from './split-append.js'
import { holdsBack, standing } from './standing.js'
import type { Storage } from './storage.js'
import { corroboratedAhead } from './sync/claims.js'
import { SnapshotSync, type SyncDriver } from './sync/coordinator.js'
import type { FetchedSnapshot } from './sync/session.js'
import { TicketGate } from './ticket-gate.js'
import { type TimerHandle, Timers } from './timers.js'
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

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
type TelemetryBody = DistributiveOmit<GroupTelemetry, 'at' | 'peer' | 'group'>

/** `catchUp: 'replay'`: entries kept behind the applied point so slightly late followers catch up from the log. */
const RETAIN_ENTRIES = 512
/**
 * `catchUp: 'snapshot'`: entries kept behind the applied point. A member whose log diverged
 * (a healed partition in default mode) meets the conflict by log matching and reports
 * `reverted`; a new member, or one missing older entries, still gets a snapshot.
 */
const DIVERGENCE_TAIL = 64
/** Most entries a leader keeps for a laggard that is installing a snapshot (heap stays bounded). */
const PINNED_MAX = 4_096
/** `catchUp: 'replay'`: compact once this many entries could go. */
const COMPACT_STEP = 256
/**
 * A connected peer that has not identified within this long is taken for one that is not a
 * mosaik peer, so it cannot hold off a lone member's election (see `standing`).
 */
const IDENTIFY_BOUND_MS = 1_000
/** Failed catch-up pulls in a row after which a member stands without the state (availability first). */
const CATCH_UP_ATTEMPTS = 3
/** Pause before a failed catch-up pull is tried again, ms. */
const CATCH_UP_RETRY_MS = 1_000
/**
 * Inputs coalesce into one drain per microtask turn, proposals into one per event-loop turn;
 * past this many undrained inputs the driver drains at once, which bounds the batch and the
 * work any one turn holds back.
 */
const MAX_UNDRAINED_INPUTS = 512

const shared = new SystemClock()

/**
 * One member of one group: the driver of docs/ARCHITECTURE.md "Groups". It owns the timers (through a
 * `Clock`), feeds ticks, bond messages and proposals to the pure Raft core, and handles each
 * `Ready` in the order the core asks: persist, send, roll back, apply, answer, sync.
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
  readonly #core: RaftCore<LogCommand>
  readonly #bonds: Bonds
  readonly #sync: SnapshotSync
  readonly #applier: Applier<C>
  readonly #pending: Pending
  readonly #client: Client
  readonly #state: Watch<GroupState>
  readonly #reverted = new Emitter<Version>()
  readonly #labels: JoinOptions<C, Q, R, I>['labels']
  readonly #onLeave: (member: GroupMember<C, Q, R, I>) => void
  readonly #gate: TicketGate
  readonly #own: OwnGrant
  /** What the app asked for; `#preference` is what this member's own tickets grant of it. */
  #declared: LeadershipPreference
  #preference: LeadershipPreference
  /** `#electIfAlone` is queued for the end of this task. */
  #reconsidering = false
  /** A timer that asks `#electIfAlone` again once an unidentified peer's bound runs out. */
  #recheck: TimerHandle | undefined
  /** Unsubscribes from discovery. */
  readonly #off: Array<() => void> = []
  /** When `start` ran (the clock's ms), and whether the core is held out of elections (`holdsBack`). */
  #joinedAt = 0
  #held = false
  #draining = false
  /** Inputs stepped into the core since the last drain; > 0 means a drain is scheduled. */
  #undrained = 0
  #microtaskDrain = false
  #turnDrain = false
  /** A lone caller's proposal is flushed in a microtask (`FlushPolicy`). */
  #eagerDrain = false
  readonly #flushPolicy = new FlushPolicy()
  #closed = false
  #revertedTo: Version[] = []
  /**
   * Default mode: this member pulls the state of a bonded member that applied more than its
   * log holds before it stands or serves as leader (see `#catchUpFirst`). Its core is an
   * `observer` meanwhile, so it neither stands nor leads.
   */
  #catchingUp = false
  #catchUpFailures = 0
  /** The last log index when this member last took office (its no-op): "newly elected" while commit stays there. */
  #termStart: Version | undefined
  /** A restart from storage that holds a snapshot point: the state itself must be fetched again. */
  readonly #restoredAt: Version
  /** The restart came back with the state machine's state too (durable storage): nothing to fetch. */
  readonly #restoredState: boolean
  /** Ready effects (send, apply, answer) waiting for storage writes to become durable (IndexedDB). */
  readonly #outbox: ReadyOutbox

  constructor(net: NetworkServices, options: JoinOptions<C, Q, R, I>, onLeave: (m: GroupMember<C, Q, R, I>) => void) {
    this.#net = net
    this.#sm = options.stateMachine
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
    this.#own = new OwnGrant(
      this.#gate,
      this.#timers,
      Math.max(1_000, this.consensus.electionTimeout),
      () => this.#applyPreference(this.#own.granted(this.#declared)),
      (reason, detail) =>
        this.#telemetry({ type: 'group.refused', remote: this.peerId, reason, detail: `this peer: ${detail}` }),
    )
    this.#preference = this.#own.granted(this.#declared)
    this.#labels = options.labels
    this.#onLeave = onLeave
    this.#storage = openStorage(
      net,
      this.id.toString(),
      options.storage,
      (e) => this.#telemetry(e as unknown as TelemetryBody),
      () => {
        // Its store lost, refused or cannot keep what it voted for: a strict member could act
        // without what it acknowledged, so it stops voting (after the Ready under way).
        if (this.consensus.minVoters > 0) queueMicrotask(() => this.setPreference('observer'))
      },
    )
    this.#outbox = new ReadyOutbox(
      this.#storage,
      () => this.#closed,
      () => {
        this.#compact()
        this.#publish()
      },
    )
    const restore = this.#storage.load()
    const state = this.#canSnapshot() ? this.#storage.loadState?.() : undefined
    // Storage holds what this driver wrote: entries whose commands are `LogCommand`s.
    this.#core = createRaft<LogCommand>(
      raftConfig(this.peerId, this.preference, this.consensus),
      restore as RaftRestore<LogCommand> | undefined,
      { noop: NOOP },
    )
    this.#restoredAt = state?.index ?? restore?.snapshot?.index ?? 0
    this.#restoredState = state !== undefined && this.#installRestored(state.items)
    this.#applier = new Applier<C>(
      this.#sm as StateMachine<C, unknown, unknown, unknown>,
      this.id.short(),
      this.#restoredAt,
      {
        snapshotAt: (index, term, by) => {
          const snapshot = this.#canSnapshot() ? this.#sm.createSnapshot?.() : undefined
          if (snapshot) this.#sync.hold(index, term, by, snapshot)
        },
        tagged: (index, tag) => this.#pending.tagApplied(index, tag),
        committed: (version, count) => this.#telemetry({ type: 'group.committed', version, count }),
      },
    )
    this.#state = new Watch<GroupState>(this.#computeState())
    this.when = new When(this.#state, this.#reverted)
    this.#pending = new Pending(this.#timers, this.#state)
    this.#client = new Client({
      peerId: this.peerId,
      core: this.#core,
      pending: this.#pending,
      state: this.#state,
      clock: this.#timers.clock,
      retryMs: Math.max(10, tickMs(this.consensus) * 2),
      drain: () => this.#scheduleProposal(),
      closed: () => this.#closed,
      explain: () => describeReachability(this.reachability()),
    })
    this.#sync = new SnapshotSync(this.#syncDriver())
    this.#bonds = new Bonds({
      network: net,
      groupId: this.id,
      keyHash: toId(options.key).hashed(),
      preference: this.preference,
      timers: this.#timers,
      heartbeat: {
        intervalMs: this.consensus.heartbeatInterval,
        jitterMs: Math.min(150, this.consensus.heartbeatInterval * 0.3),
        maxMissed: this.consensus.maxMissedHeartbeats,
      },
      handshakeTimeoutMs: Math.max(2_000, this.consensus.electionTimeout),
      peerUp: (peer, pref) => {
        // A new leader that meets a member ahead of it steps down before it replicates to it.
        this.#catchUpIfNewLeader()
        this.#input(() => this.#core.peerUp(peer, pref))
        this.#sync.peerUp(peer)
        this.#electIfAlone()
      },
      position: () => this.#applier.applied,
      positionChanged: () => this.#catchUpIfNewLeader(),
      peerDown: (peer, departed) => {
        this.#sync.peerDown(peer)
        const wasLeader = this.#core.status().leader === peer
        this.#input(() => this.#core.peerDown(peer))
        if (departed && wasLeader) this.#leaderDeparted()
        else this.#electIfAlone()
      },
      message: (peer, m) => this.#onBondMessage(peer, m),
      telemetry: (e) => this.#telemetry(e),
      gate: this.#gate,
      peerRefused: () => this.#electIfAlone(),
      pullingFrom: (peer) => this.#sync.pullingFrom(peer),
    })
  }

  /** Announces membership, starts bonding and ticking. Called once by `Groups.join`. */
  start(): void {
    const s = this.#state.get()
    this.#telemetry({ type: 'group.joined', preference: this.preference, ...this.#labelFields() })
    this.#telemetry({ type: 'group.state', ...this.#stateBody(s) })
    this.#net.discovery.joinGroup(this.id, this.#storeLabel())
    this.#bonds.start()
    this.#tick(true)
    // A store without the state machine's state (memory, or a durable one that lost it): a
    // member restarted past a snapshot point fetches the state again (entries after it are
    // replayed by the core). A durable store's state was installed in the constructor.
    if (this.#restoredAt > 0 && !this.#restoredState) this.#startSync(this.#restoredAt)
    // A restart applies the committed entries it restored at once, not on the first input.
    this.#drain()
    this.#joinedAt = this.#timers.clock.now()
    // Hold-back ends at its bound even if no event comes.
    this.#timers.after(this.#holdMs(), () => this.#electIfAlone())
    // Whether this member is alone changes with every discovery and connection event.
    const reconsider = () => this.#reconsider()
    this.#off.push(this.#net.discovery.onEvent(reconsider), this.#net.discovery.onSurroundingsChange(reconsider))
    this.#reconsider()
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
    const base = { at: performance.now(), peer: this.peerId, group: this.id.toString() }
    listener({ ...base, type: 'group.joined', preference: this.preference, ...this.#labelFields() })
    listener({ ...base, type: 'group.state', ...this.#stateBody(this.#state.get()) })
    for (const remote of this.#bonds.peers()) {
      const remotePreference = this.#bonds.preferenceOf(remote)
      listener({ ...base, type: 'group.bond', remote, up: true, ...(remotePreference ? { remotePreference } : {}) })
    }
    for (const [a, b] of this.#bonds.mesh())
      if (a !== this.peerId && b !== this.peerId) listener({ ...base, type: 'group.mesh', a, b, up: true })
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
    this.#telemetry({ type: 'group.joined', preference, ...this.#labelFields() })
    // While catching up or held back (`holdsBack`) the core stays an observer; their end applies this.
    if (!this.#catchingUp && !this.#held) this.#input(() => this.#core.setPreference(preference))
    this.#electIfAlone()
  }

  execute(command: C, options?: CallOptions): Promise<Version> {
    return this.executeMany([command], options).then((r) => r.last)
  }

  async executeMany(commands: readonly C[], options: CallOptions = {}): Promise<IndexRange> {
    if (this.#own.mustAuthorize(this.#preference)) await this.#own.authorize(this.#preference)
    const deadline = this.#client.deadline(options)
    this.#flushPolicy.begin()
    try {
      const { range, tag } = await this.#client.feed(commands, options, deadline)
      await this.#pending.applied(range.last, tag, this.#client.remaining(deadline), options.signal)
      return range
    } finally {
      this.#flushPolicy.end()
    }
  }

  feed(command: C, options?: CallOptions): Promise<Version> {
    return this.feedMany([command], options).then((r) => r.last)
  }

  async feedMany(commands: readonly C[], options: CallOptions = {}): Promise<IndexRange> {
    if (this.#own.mustAuthorize(this.#preference)) await this.#own.authorize(this.#preference)
    this.#flushPolicy.begin()
    try {
      return (await this.#client.feed(commands, options, this.#client.deadline(options))).range
    } finally {
      this.#flushPolicy.end()
    }
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
    const s = this.#core.status()
    return s.lastIndex - s.firstIndex + 1
  }

  async leave(): Promise<void> {
    if (this.#closed) return
    // What the core still has to say goes out before the bonds close.
    this.#drain(true)
    const settling = this.#outbox.settle()
    if (settling) await settling
    if (this.#closed) return
    this.#closed = true
    this.#own.stop()
    this.#storage.close?.()
    this.#sync.close()
    for (const off of this.#off.splice(0)) off()
    this.#bonds.leave()
    this.#timers.clear()
    this.#pending.close(new GroupError('closed', 'the group was left'))
    this.when.close()
    this.#state.close()
    if (!this.#net.stopped) this.#net.discovery.leaveGroup(this.id)
    this.#telemetry({ type: 'group.left' })
    this.#onLeave(this)
  }

  // ---- inputs ------------------------------------------------------------------------

  #input(fn: () => void): void {
    if (this.#closed) return
    fn()
    this.#scheduleDrain()
  }

  /**
   * Batching. Inputs (messages, ticks) run the Ready loop once per microtask turn, after all
   * inputs of that turn: this costs a message no real delay. Callers' proposals (`nextTurn`)
   * wait for the event loop to come round, so every write started in this turn (each writer's
   * own callback) leaves in one proposal, one forward and one AppendEntries. `nextTurn` is not
   * a timer, so a lone write waits only for the loop; and as the loop does come round, timers
   * keep firing under a write loop on the memory transport (findings §4).
   */
  /**
   * A caller's proposal or read: on the leader, at once when it is the only call in flight
   * (`FlushPolicy`); else with the turn's. A follower's forward keeps the turn: sent at once,
   * forwards of a writer that had just caught up went unanswered in the catch-up tests (cause
   * not found yet), so followers keep the timing they had.
   */
  #scheduleProposal(): void {
    if (this.#closed) return
    const leading = this.#state.get().role === 'leader'
    if (this.#turnDrain || this.#eagerDrain || !leading || !this.#flushPolicy.eager()) {
      this.#scheduleDrain(true)
      return
    }
    this.#eagerDrain = true
    queueMicrotask(() => {
      this.#eagerDrain = false
      this.#drain(true)
    })
  }

  #scheduleDrain(nextTurnOnly = false): void {
    if (this.#closed) return
    if (nextTurnOnly) {
      // Even while draining: the loop under way does not propose what the client queued.
      if (this.#turnDrain) return
      this.#turnDrain = true
      nextTurn(() => {
        this.#turnDrain = false
        this.#drain(true)
      })
      return
    }
    if (this.#draining) return
    if (++this.#undrained > MAX_UNDRAINED_INPUTS) {
      this.#drain()
      return
    }
    if (this.#microtaskDrain) return
    this.#microtaskDrain = true
    queueMicrotask(() => {
      this.#microtaskDrain = false
      this.#drain()
    })
  }

  /**
   * The core's clock. The first tick comes after a random part of a tick, so members that
   * join in the same instant do not tick in phase (their election timers, drawn in whole
   * ticks, would otherwise fire together and split the vote).
   */
  #tick(first = false): void {
    if (this.#closed) return
    const ms = tickMs(this.consensus)
    this.#timers.after(first ? Math.random() * ms : ms, () => {
      this.#input(() => this.#core.tick())
      this.#tick()
    })
  }

  /** `#electIfAlone` at the end of this task (events come in bursts). */
  #reconsider(): void {
    if (this.#reconsidering || this.#closed) return
    this.#reconsidering = true
    queueMicrotask(() => {
      this.#reconsidering = false
      this.#electIfAlone()
    })
  }

  /**
   * docs/ARCHITECTURE.md: a member that is the only possible leader need not wait out the bootstrap delay
   * and an election timeout. `standing` decides whether it is (it has heard from every peer it
   * can see and every other member is a bonded observer); this runs again on every discovery,
   * connection and bond event. Otherwise the election timer elects.
   */
  #electIfAlone(): void {
    if (this.#closed || this.#catchingUp) return
    const s = this.#core.status()
    // A peer whose tickets we refused cannot bond, so it is no rival while that holds.
    const members = this.#net.discovery.peersInGroup(this.id).filter((peer) => !this.#bonds.isRefused(peer))
    const hold = holdsBack({
      preference: this.#preference,
      term: s.term,
      joinedForMs: this.#timers.clock.now() - this.#joinedAt,
      holdMs: this.#holdMs(),
      bonded: s.peers,
      members,
    })
    if (hold !== this.#held) {
      this.#held = hold
      // As during a catch-up: the core becomes an observer, so it neither stands nor votes.
      this.#input(() => this.#core.setPreference(hold ? 'observer' : this.#preference))
    }
    const verdict = standing({
      preference: this.#preference,
      role: s.role,
      leader: s.leader,
      bonded: s.peers,
      members,
      surroundings: this.#net.discovery.surroundings(this.id),
      identifyBoundMs: IDENTIFY_BOUND_MS,
    })
    // A peer that dialed us after we joined has not been asked by us yet: ask it now.
    if (verdict.decision === 'wait' && verdict.hear) this.#net.discovery.hearFromAll(this.id)
    if (verdict.decision === 'wait' && verdict.recheckInMs !== undefined && !this.#recheck) {
      this.#recheck = this.#timers.after(verdict.recheckInMs, () => {
        this.#recheck = undefined
        this.#electIfAlone()
      })
    }
    if (verdict.decision !== 'stand' || this.#catchUpFirst()) return
    this.#input(() => standNow(this.#core, raftConfig(this.peerId, this.preference, this.consensus)))
  }

  /** How long a fresh member holds back from elections at most (see `holdsBack`). */
  #holdMs(): number {
    return this.consensus.bootstrapDelay + 2 * this.consensus.electionTimeout
  }

  /**
   * Bonded members that applied more than this member's log holds, the most advanced ones
   * (default mode only, and only when the state can be pulled by snapshot). Observers keep the
   * full state (mosaik: any member holding the state can serve it), so a writer that finds
   * only readers ahead of it must take their state before it leads: observers abstain, so
   * nothing else stops a member with a shorter log from winning and overwriting them.
   */
  #aheadOfUs(): { peers: PeerId[]; applied: Version } | undefined {
    if (this.consensus.minVoters > 0 || !this.#canSnapshot() || this.#sync.syncing) return undefined
    if (this.#preference === 'observer' || this.#catchUpFailures >= CATCH_UP_ATTEMPTS) return undefined
    const s = this.#core.status()
    const mine = Math.max(s.lastIndex, this.#applier.applied)
    const claims = this.#bonds.peers().map((peer) => ({ peer, applied: this.#bonds.positionOf(peer) ?? 0 }))
    // A claim never decides on its own word (sync/claims.ts).
    return corroboratedAhead(mine, claims)
  }

  /**
   * Before this member stands (or while it is a new leader that committed nothing of its own):
   * when a bonded member applied more than our log holds, step out of the running (the core
   * becomes an observer), pull that member's state, install it, and only then stand. True when
   * a catch-up started (or runs).
   */
  #catchUpFirst(): boolean {
    if (this.#closed) return false
    if (this.#catchingUp) return true
    const ahead = this.#aheadOfUs()
    if (!ahead) return false
    this.#catchingUp = true
    this.#input(() => this.#core.setPreference('observer'))
    this.#sync.pull(ahead.peers, ahead.applied)
    return true
  }

  /** A leader newly in office (nothing of its own term committed but the no-op) catches up if a member is ahead. */
  #catchUpIfNewLeader(): void {
    if (this.#closed || this.#catchingUp) return
    const s = this.#core.status()
    if (s.role !== 'leader' || this.#termStart === undefined || s.commit > this.#termStart) return
    this.#catchUpFirst()
  }

  /** The catch-up ended (installed, or failed): take part in elections again, and stand if alone. */
  #catchUpDone(ok: boolean): void {
    if (!this.#catchingUp || this.#closed) return
    this.#catchingUp = false
    this.#catchUpFailures = ok ? 0 : this.#catchUpFailures + 1
    this.#input(() => this.#core.setPreference(this.#held ? 'observer' : this.#preference))
    if (ok) this.#electIfAlone()
    else this.#timers.after(CATCH_UP_RETRY_MS, () => this.#electIfAlone())
  }

  /**
   * The leader said `departure`: there is nothing to wait for, so normal members stand at
   * once, one after another in peer-id order (a fixed stagger rather than random pauses, so
   * two never stand in the same instant and split the vote). A member that heard of an
   * election in the meantime stays out; if the first cannot win, the election timeout
   * remains the fallback.
   */
  #leaderDeparted(): void {
    if (this.preference !== 'normal') return
    const status = this.#core.status()
    const term = status.term
    const rivals = [...status.peers].filter(([, p]) => p === 'normal').map(([id]) => id)
    const rank = [...rivals, this.peerId].sort().indexOf(this.peerId)
    const pause = rank * Math.max(tickMs(this.consensus) * 2, this.consensus.electionTimeout / 10)
    this.#timers.after(pause, () => {
      const s = this.#core.status()
      if (this.#closed || s.leader !== undefined || s.term !== term || s.role !== 'follower') return
      if (this.#catchingUp || this.#catchUpFirst()) return
      this.#input(() => standNow(this.#core, raftConfig(this.peerId, this.preference, this.consensus)))
    })
  }

  /** Counts a peer's message refused above the channel (the bond stays). */
  #refused(peer: PeerId, reason: RejectReason, detail: string): void {
    this.#net.emitTelemetry({
      type: 'input.rejected',
      at: performance.now(),
      peer: this.peerId,
      remote: peer,
      protocol: this.#net.protocol(GROUPS_PROTOCOL),
      reason,
      detail,
    })
  }

  #onBondMessage(peer: PeerId, m: BondMessage): void {
    if (this.#closed) return
    if (m.type === 'raft') {
      const raft = m.m
      if (raft.term > MAX_TERM_JUMP && !termJumpAllowed(this.#core.status().term, raft.term)) {
        this.#refused(peer, 'term-jump', `term ${raft.term} is too far past ours`)
        return
      }
      if (raft.type === 'appendEntries') this.#sync.buffer(raft)
      this.#input(() => {
        try {
          this.#core.step(raft)
        } catch (err) {
          // The core refused before changing anything; the peer is cut off and reported.
          if (!(err instanceof StrictModeViolation)) throw err
          this.#refused(peer, 'protocol', err.message)
          this.#bonds.drop(peer, 'protocol', err.message)
        }
      })
    } else if (m.type === 'sync') this.#sync.message(peer, m.m)
  }

  // ---- the Ready loop ----------------------------------------------------------------

  /** `proposals`: also propose the calls queued for this turn (see `#scheduleDrain`). */
  #drain(proposals = false): void {
    if (this.#draining || this.#closed) return
    if (proposals) {
      this.#flushPolicy.flushed(this.#client.flush())
      this.#core.announceCommit()
    }
    this.#undrained = 0
    this.#draining = true
    try {
      for (;;) {
        while (this.#core.hasReady()) this.#handle(this.#core.ready())
        // A new commit waits for the next write only when one follows soon (`writesFollow`):
        // otherwise followers hear of it at once, so they apply what was acknowledged.
        if (!this.#core.commitNoticeDue() || this.#flushPolicy.writesFollow) break
        this.#core.announceCommit()
      }
    } finally {
      this.#draining = false
    }
    this.#compact()
    this.#checkpoint()
    this.#publish()
    // Followers hear of a new commit on the next turn, with what was written meanwhile.
    if (this.#core.commitNoticeDue()) this.#scheduleDrain(true)
  }

  #handle(rd: Ready<LogCommand>): void {
    // 1. Persist before anything that depends on it leaves this process (Raft §5, Figure 2).
    if (this.#storage.saveReady) this.#storage.saveReady(rd.truncateFrom, rd.entries, rd.hardState)
    else {
      if (rd.truncateFrom !== undefined) this.#storage.truncateFrom(rd.truncateFrom)
      if (rd.entries.length > 0) this.#storage.append(rd.entries)
      if (rd.hardState) this.#storage.saveHardState(rd.hardState)
    }
    // A store whose writes complete later (IndexedDB): the rest waits until they are durable.
    this.#outbox.run(() => this.#effects(rd))
    this.#core.advance()
  }

  /** Steps 2 to 5 of a Ready, once what it depends on is durable. */
  #effects(rd: Ready<LogCommand>): void {
    // 2. Send.
    for (const m of rd.messages) {
      if (m.type === 'vote') {
        this.#telemetry({ type: 'group.vote', term: m.term, candidate: m.to, vote: m.vote })
      }
      this.#sendRaft(m)
    }
    if (rd.softState?.role === 'leader') {
      this.#termStart = this.#core.status().lastIndex
      this.#timers.after(0, () => this.#catchUpIfNewLeader())
    }
    // 3. Roll back, 4. apply.
    if (rd.reverted !== undefined) this.#onReverted(rd.reverted)
    // While a snapshot installs, committed entries wait: the core delivers them again after it.
    if (!this.#sync.syncing) this.#applier.apply(rd.committed)
    // 5. Answer callers.
    for (const p of rd.proposals) this.#pending.settle(p.requestId, p)
    for (const r of rd.readStates) this.#pending.settle(r.requestId, r)
    if (rd.needsSnapshot) this.#startSync(rd.needsSnapshot.index)
  }

  /** Durable storage: hand it the state machine's state when it wants to drop older records. */
  #checkpoint(): void {
    if (!this.#storage.wantsCheckpoint?.() || !this.#canSnapshot() || this.#sync.syncing || this.#closed) return
    this.#saveState(this.#applier.applied)
  }

  #saveState(index: Version): void {
    const point = index > 0 ? this.#core.snapshotPoint(index) : undefined
    const snapshot = point ? this.#sm.createSnapshot?.() : undefined
    if (!point || !snapshot) return
    this.#storage.checkpoint?.({ index, term: point.term, items: snapshot.range(0, snapshot.length) })
  }

  /** A restart that came back with the state machine's state installs it; false when it throws. */
  #installRestored(items: unknown[]): boolean {
    try {
      this.#sm.installSnapshot?.(items as I[])
      return true
    } catch (err) {
      console.error(`mosaik-react: the state machine of group ${this.id.short()} refused its stored state`, err)
      return false
    }
  }

  #sendRaft(m: Message<LogCommand>): void {
    sendSplitting(m, (part) => this.#bonds.send(part.to, { type: 'raft', m: part }))
  }

  #onReverted(to: Version): void {
    this.#telemetry({ type: 'group.reverted', version: to })
    this.#revertedTo.push(to)
    // A state machine cannot be rolled back in place: fetch the group's state again.
    if (this.#canSnapshot()) {
      this.#applier.applied = Math.min(this.#applier.applied, to)
      this.#startSync(to)
    }
  }

  /**
   * The log keeps everything a held snapshot still needs, and behind the applied point
   * `RETAIN_ENTRIES` (`catchUp: 'replay'`) or `DIVERGENCE_TAIL` (`catchUp: 'snapshot'`: a
   * member missing an older entry then gets a snapshot from the leader's `needsSnapshot`).
   */
  #compact(): void {
    if (!this.#canSnapshot() || this.#sync.syncing || this.#closed) return
    const bySnapshot = this.#sm.catchUp === 'snapshot'
    const s = this.#core.status()
    const tail = bySnapshot
      ? Math.max(0, Math.min(DIVERGENCE_TAIL, this.#sm.divergenceTail?.() ?? DIVERGENCE_TAIL))
      : RETAIN_ENTRIES
    let upTo = Math.min(s.applied, this.#applier.applied) - tail
    // Only a leader sends entries, so only its log waits for a laggard installing a snapshot,
    // and at most PINNED_MAX entries: one further behind asks for a newer snapshot.
    const floor = s.role === 'leader' ? this.#sync.provider.floor() : undefined
    if (floor !== undefined) upTo = Math.max(Math.min(upTo, floor), upTo - PINNED_MAX)
    if (upTo - s.firstIndex + 1 < (bySnapshot ? 1 : COMPACT_STEP)) return
    this.#core.compact(upTo)
    this.#storage.compact(upTo)
  }

  // ---- snapshot sync -----------------------------------------------------------------

  #canSnapshot(): boolean {
    return this.#sm.createSnapshot !== undefined && this.#sm.installSnapshot !== undefined
  }

  #startSync(minIndex: number): void {
    if (this.#closed) return
    if (!this.#canSnapshot()) {
      this.#telemetry({ type: 'group.sync', phase: 'failed', position: minIndex })
      return
    }
    this.#sync.start(minIndex)
  }

  #syncDriver(): SyncDriver {
    return {
      host: {
        local: this.#net.peerId,
        timers: this.#timers,
        config: this.syncConfig,
        send: (peer, m) => this.#bonds.send(peer, { type: 'sync', m }),
        bonded: () => this.#bonds.peers(),
        leader: () => this.#core.status().leader,
        refused: (peer, detail) => this.#refused(peer, 'protocol', detail),
        telemetry: (e) => this.#telemetry({ type: 'group.sync', ...e }),
      },
      isLeader: () => this.#core.status().role === 'leader' && this.#canSnapshot(),
      replicate: (by) => this.#input(() => this.#pending.ignore(this.#core.propose([{ t: 'snap', by }]))),
      install: (snapshot, buffered) => this.#install(snapshot, buffered),
      retryFrom: () => this.#core.status().needsSnapshot?.index ?? this.#applier.applied,
      changed: () => this.#publish(),
      current: () => {
        const index = this.#applier.applied
        const point = index > 0 && this.#canSnapshot() ? this.#core.snapshotPoint(index) : undefined
        const snapshot = point ? this.#sm.createSnapshot?.() : undefined
        return point && snapshot ? { index, term: point.term, snapshot } : undefined
      },
      pullFailed: () => this.#catchUpDone(false),
    }
  }

  /** mosaik: install the fetched snapshot, fast-forward to its index, replay what was buffered. */
  #install(snapshot: FetchedSnapshot, buffered: Extract<Message<LogCommand>, { type: 'appendEntries' }>[]): void {
    if (this.#closed) return
    try {
      this.#sm.installSnapshot?.(snapshot.items as I[])
    } catch (err) {
      console.error(`mosaik-react: the state machine of group ${this.id.short()} threw in installSnapshot`, err)
    }
    const moved = snapshot.index !== this.#applier.applied
    this.#applier.applied = snapshot.index
    this.#storage.saveSnapshot(snapshot.index, snapshot.term)
    if (this.#storage.checkpoint)
      this.#storage.checkpoint({ index: snapshot.index, term: snapshot.term, items: [...snapshot.items] })
    // Devtools follow versions by `group.committed`: an install moves the version too.
    if (moved) this.#telemetry({ type: 'group.committed', version: snapshot.index, count: 0 })
    this.#input(() => {
      this.#core.installSnapshot(snapshot.index, snapshot.term)
      for (const m of buffered) this.#core.step(m)
    })
    this.#catchUpDone(true)
  }

  // ---- state, telemetry --------------------------------------------------------------

  #computeState(): GroupState {
    const s = this.#core.status()
    const bonds = this.#bonds ? this.#bonds.peers() : []
    const reachable = s.leader !== undefined && (s.leader === this.peerId || bonds.includes(s.leader))
    const syncing = this.#sync ? this.#sync.syncing : false
    return {
      role: s.role,
      term: s.term,
      leader: s.leader,
      online: reachable && !syncing && !s.lagging && s.needsSnapshot === undefined,
      commit: s.commit,
      applied: this.#applier ? this.#applier.applied : this.#restoredAt,
      syncing,
      bonds,
    }
  }

  #publish(): void {
    if (this.#closed) return
    const prev = this.#state.get()
    const next = this.#computeState()
    const visible =
      prev.role !== next.role ||
      prev.term !== next.term ||
      prev.leader !== next.leader ||
      prev.online !== next.online ||
      prev.syncing !== next.syncing
    const changed =
      visible ||
      prev.commit !== next.commit ||
      prev.applied !== next.applied ||
      prev.bonds.length !== next.bonds.length ||
      prev.bonds.some((b, i) => b !== next.bonds[i])
    if (!changed) return
    if (prev.leader !== next.leader) this.#sync.leaderChanged()
    // An observer's newer term (say, from a writer that left) deposed a lone writer that just
    // stood: it may stand again at once, past that term.
    if (prev.term !== next.term && next.role === 'follower' && next.leader === undefined)
      this.#timers.after(0, () => this.#electIfAlone())
    this.#state.set(Object.freeze(next))
    if (visible) this.#telemetry({ type: 'group.state', ...this.#stateBody(next) })
    for (const v of this.#revertedTo.splice(0)) this.#reverted.emit(v)
  }

  /** A collection's store label for discovery: lets peers name the option they differ in. */
  #storeLabel(): string | undefined {
    const store = this.#labels?.store
    if (!store) return undefined
    return storeLabel({
      store,
      group: this.id.toString(),
      typeName: this.#sm.signature().toString(),
      sync: syncSignature(this.syncConfig).toString(),
      consensus: consensusDigest(this.consensus).toString(),
    })
  }

  #labelFields(): { store?: string; kind?: string } {
    return {
      ...(this.#labels?.store ? { store: this.#labels.store } : {}),
      ...(this.#labels?.kind ? { kind: this.#labels.kind } : {}),
    }
  }

  #stateBody(s: GroupState) {
    return {
      role: s.role,
      term: s.term,
      leader: s.leader,
      commit: s.commit,
      applied: s.applied,
      logLength: this.#core ? this.logLength : 0,
      online: s.online,
    }
  }

  #telemetry(e: TelemetryBody): void {
    this.#net.emitTelemetry({
      ...e,
      at: performance.now(),
      peer: this.peerId,
      group: this.id.toString(),
    } as GroupTelemetry)
  }
}
