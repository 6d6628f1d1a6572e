import { SystemClock } from '../core/clock.js'
import { decode, EncodingError, encode } from '../core/codec.js'
import { DEFAULT_MAX_FRAME_SIZE } from '../core/framing.js'
import type { PeerId, UniqueId, Version } from '../core/id.js'
import { toId } from '../core/id.js'
import type { GroupTelemetry } from '../core/telemetry.js'
import { Emitter, Watch } from '../core/watch.js'
import type { Channel, NetworkServices } from '../network/types.js'
import { Bonds } from './bond/bonds.js'
import type { Inbox } from './bond/inbox.js'
import type { BondMessage } from './bond/messages.js'
import { type ConsensusConfig, DEFAULT_CONSENSUS, DEFAULT_SYNC, type SyncConfig } from './config.js'
import { GroupError } from './errors.js'
import { deriveGroupId } from './group-id.js'
import { type LogCommand, NOOP } from './log-command.js'
import { Pending } from './pending.js'
import { createRaft } from './raft/index.js'
import type { Entry, LeadershipPreference, Message, RaftCore, Ready } from './raft/types.js'
import { raftConfig, tickMs } from './raft-config.js'
import { MemoryStorage, type Storage } from './storage.js'
import type { SyncMessage } from './sync/messages.js'
import { SnapshotProvider } from './sync/provider.js'
import { type FetchedSnapshot, SyncSession } from './sync/session.js'
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

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
type TelemetryBody = DistributiveOmit<GroupTelemetry, 'at' | 'peer' | 'group'>

/** Entries kept behind the applied point so slightly late followers catch up from the log. */
const RETAIN_ENTRIES = 512
/** Compact once this many entries could go. */
const COMPACT_STEP = 256
/** A lone first member waits this long for discovery before it elects itself. */
const LONE_GRACE_MS = 150
const DEFAULT_CALL_TIMEOUT_MS = 10_000
const SYNC_RETRY_MS = 1_000
/** Room left in a frame for the envelope around one command. */
const MAX_COMMAND_BYTES = DEFAULT_MAX_FRAME_SIZE - 4096

const shared = new SystemClock()

/**
 * One member of one group: the driver of DESIGN.md "Groups". It owns the timers (through a
 * `Clock`), feeds ticks, bond messages and proposals to the pure Raft core, and handles each
 * `Ready` in the order the core asks: persist, send, roll back, apply, answer, sync.
 */
export class GroupMember<C, Q, R, I> implements Group<C, Q, R> {
  readonly id: UniqueId
  readonly peerId: PeerId
  readonly preference: LeadershipPreference
  readonly when: When
  readonly consensus: Readonly<ConsensusConfig>
  readonly syncConfig: Readonly<SyncConfig>
  readonly #net: NetworkServices
  readonly #sm: StateMachine<C, Q, R, I>
  readonly #storage: Storage
  readonly #timers: Timers
  readonly #core: RaftCore<LogCommand>
  readonly #bonds: Bonds
  readonly #provider: SnapshotProvider
  readonly #pending: Pending
  readonly #state: Watch<GroupState>
  readonly #reverted = new Emitter<Version>()
  readonly #labels: JoinOptions<C, Q, R, I>['labels']
  readonly #onLeave: (member: GroupMember<C, Q, R, I>) => void
  readonly #instance = Math.random().toString(36).slice(2, 10)
  #seq = 0
  #applied = 0
  #draining = false
  #closed = false
  #session: SyncSession | undefined
  #syncRetry = false
  #buffered: Extract<Message<LogCommand>, { type: 'appendEntries' }>[] = []
  #revertedTo: Version[] = []
  /** A restart from storage that holds a snapshot point: the state itself must be fetched again. */
  readonly #restoredAt: Version

  constructor(net: NetworkServices, options: JoinOptions<C, Q, R, I>, onLeave: (m: GroupMember<C, Q, R, I>) => void) {
    this.#net = net
    this.#sm = options.stateMachine
    this.consensus = Object.freeze({ ...DEFAULT_CONSENSUS, ...options.consensus })
    this.syncConfig = Object.freeze({ ...DEFAULT_SYNC, ...options.sync })
    this.id = deriveGroupId(options.key, this.consensus, this.#sm.signature(), this.syncConfig)
    this.peerId = net.peerId
    this.preference = options.preference ?? this.#sm.leadershipPreference?.() ?? 'normal'
    this.#storage = options.storage ?? new MemoryStorage()
    this.#timers = new Timers(options.clock ?? shared)
    this.#labels = options.labels
    this.#onLeave = onLeave
    const restore = this.#storage.load()
    this.#core = createRaft<LogCommand>(raftConfig(this.peerId, this.preference, this.consensus), restore as never, {
      noop: NOOP,
    })
    this.#applied = restore?.snapshot?.index ?? 0
    this.#restoredAt = this.#applied
    this.#state = new Watch<GroupState>(this.#computeState())
    this.when = new When(this.#state, this.#reverted)
    this.#pending = new Pending(this.#timers, this.#state)
    const host = this.#syncHost()
    this.#provider = new SnapshotProvider(host)
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
      peerUp: (peer, pref) => this.#input(() => this.#core.peerUp(peer, pref)),
      peerDown: (peer, departed) => {
        this.#session?.peerDown(peer)
        const wasLeader = this.#core.status().leader === peer
        this.#input(() => this.#core.peerDown(peer))
        if (departed && wasLeader) this.#leaderDeparted()
      },
      message: (peer, m) => this.#onBondMessage(peer, m),
      telemetry: (e) => this.#telemetry(e),
    })
  }

  /** Announces membership, starts bonding and ticking. Called once by `Groups.join`. */
  start(): void {
    const s = this.#state.get()
    this.#telemetry({
      type: 'group.joined',
      preference: this.preference,
      ...(this.#labels?.store ? { store: this.#labels.store } : {}),
      ...(this.#labels?.kind ? { kind: this.#labels.kind } : {}),
    })
    this.#telemetry({ type: 'group.state', ...this.#stateBody(s) })
    this.#net.discovery.joinGroup(this.id)
    this.#bonds.start()
    this.#tick()
    // Storage keeps the log, not the state machine: a member restarted past a snapshot point
    // fetches the state again (entries after it are replayed by the core).
    if (this.#restoredAt > 0) this.#startSync(this.#restoredAt)
    if (this.#net.discovery.peersInGroup(this.id).length === 0 && this.preference !== 'observer') {
      this.#timers.after(Math.min(LONE_GRACE_MS, this.consensus.bootstrapDelay), () => this.#electIfAlone())
    }
  }

  /** An incoming bond for this group (its `hello` was already read). */
  acceptBond(channel: Channel, inbox: Inbox, nonce: Uint8Array): void {
    this.#bonds.accept(channel, inbox, nonce)
  }

  // ---- public API --------------------------------------------------------------------

  get closed(): boolean {
    return this.#closed
  }

  execute(command: C, options?: CallOptions): Promise<Version> {
    return this.executeMany([command], options).then((r) => r.last)
  }

  async executeMany(commands: readonly C[], options: CallOptions = {}): Promise<IndexRange> {
    const deadline = this.#timers.clock.now() + (options.timeout ?? DEFAULT_CALL_TIMEOUT_MS)
    const { range, tag } = await this.#feed(commands, options, deadline)
    await this.#pending.applied(range.last, tag, this.#remaining(deadline), options.signal)
    return range
  }

  feed(command: C, options?: CallOptions): Promise<Version> {
    return this.feedMany([command], options).then((r) => r.last)
  }

  async feedMany(commands: readonly C[], options: CallOptions = {}): Promise<IndexRange> {
    const deadline = this.#timers.clock.now() + (options.timeout ?? DEFAULT_CALL_TIMEOUT_MS)
    return (await this.#feed(commands, options, deadline)).range
  }

  async query(query: Q, consistency: Consistency = 'weak', options: CallOptions = {}): Promise<QueryResultAt<R>> {
    if (this.#closed) throw new GroupError('closed', 'the group was left')
    if (consistency === 'strong') {
      const deadline = this.#timers.clock.now() + (options.timeout ?? DEFAULT_CALL_TIMEOUT_MS)
      for (;;) {
        await this.#waitLeader(deadline, options.signal)
        const id = this.#core.readIndex()
        const outcome = this.#pending.outcome(id, this.#remaining(deadline), options.signal)
        this.#drain()
        const read = await outcome
        if (read.index !== undefined) {
          await this.#pending.applied(read.index, undefined, this.#remaining(deadline), options.signal)
          break
        }
        if (read.reason !== 'noLeader' && read.reason !== 'notLeader')
          throw new GroupError('offline', `strong read not confirmed (${read.reason})`)
        await this.#pause(deadline)
      }
    }
    return { result: this.#sm.query(query), at: this.#applied }
  }

  isLeader(): boolean {
    return this.#state.get().role === 'leader'
  }

  leader(): PeerId | undefined {
    return this.#state.get().leader
  }

  committed(): Version {
    return this.#applied
  }

  subscribe(listener: () => void): () => void {
    return this.#state.subscribe(() => listener())
  }

  getSnapshot(): GroupState {
    return this.#state.get()
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
    this.#closed = true
    this.#session?.abort()
    this.#session = undefined
    this.#bonds.leave()
    this.#provider.clear()
    this.#timers.clear()
    this.#pending.close(new GroupError('closed', 'the group was left'))
    this.when.close()
    this.#state.close()
    if (!this.#net.stopped) this.#net.discovery.leaveGroup(this.id)
    this.#telemetry({ type: 'group.left' })
    this.#onLeave(this)
  }

  // ---- proposals ---------------------------------------------------------------------

  async #feed(
    commands: readonly C[],
    options: CallOptions,
    deadline: number,
  ): Promise<{ range: IndexRange; tag: string }> {
    if (this.#closed) throw new GroupError('closed', 'the group was left')
    if (commands.length === 0) throw new GroupError('encoding', 'no commands to execute')
    const tag = `${this.#instance}:${++this.#seq}`
    let envelopes: LogCommand[]
    try {
      envelopes = commands.map((c) => {
        const b = encode(c)
        if (b.length > MAX_COMMAND_BYTES)
          throw new EncodingError(`a command of ${b.length} bytes exceeds the limit of ${MAX_COMMAND_BYTES}`)
        return { t: 'cmd', b, o: tag }
      })
    } catch (cause) {
      throw new GroupError('encoding', cause instanceof EncodingError ? cause.message : String(cause), { cause })
    }
    for (;;) {
      await this.#waitLeader(deadline, options.signal)
      const id = this.#core.propose(envelopes)
      const outcome = this.#pending.outcome(id, this.#remaining(deadline), options.signal)
      this.#drain()
      const result = await outcome
      if (result.indices && result.indices.length > 0) {
        const first = result.indices[0] as number
        return { range: { first, last: result.indices[result.indices.length - 1] as number }, tag }
      }
      // Nothing was appended: wait for a (new) leader and try again within the deadline.
      if (result.reason !== 'noLeader' && result.reason !== 'notLeader')
        throw new GroupError('offline', `the leader did not answer (${result.reason}); the commands may still commit`)
      await this.#pause(deadline)
    }
  }

  #remaining(deadline: number): number {
    return Math.max(0, deadline - this.#timers.clock.now())
  }

  /** Resolves when a leader is reachable; rejects `offline` at the deadline. */
  #waitLeader(deadline: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new GroupError('closed', 'the group was left'))
    return this.#pending.until(
      this.#state,
      (s) => s.leader !== undefined && (s.leader === this.peerId || s.bonds.includes(s.leader)),
      this.#remaining(deadline),
      'a reachable leader',
      signal,
    )
  }

  /** Yields for a moment before retrying a refused proposal (no busy loop). */
  #pause(deadline: number): Promise<void> {
    const ms = Math.min(this.#remaining(deadline), Math.max(10, tickMs(this.consensus) * 2))
    return new Promise((resolve) => this.#timers.after(ms, resolve))
  }

  // ---- inputs ------------------------------------------------------------------------

  #input(fn: () => void): void {
    if (this.#closed) return
    fn()
    this.#drain()
  }

  #tick(): void {
    if (this.#closed) return
    this.#timers.after(tickMs(this.consensus), () => {
      this.#input(() => this.#core.tick())
      this.#tick()
    })
  }

  /** DESIGN.md: a lone first member need not wait out the bootstrap delay and election timeout. */
  #electIfAlone(): void {
    if (this.#closed) return
    const s = this.#core.status()
    if (s.term > 0 || s.leader || s.peers.size > 0) return
    if (this.#net.discovery.peersInGroup(this.id).length > 0) return
    const cfg = raftConfig(this.peerId, this.preference, this.consensus)
    const max = cfg.bootstrapTicks + cfg.electionTicks + cfg.electionJitterTicks + cfg.reluctantExtraTicks + 2
    this.#input(() => {
      for (let i = 0; i < max && this.#core.status().role === 'follower'; i++) this.#core.tick()
    })
  }

  /**
   * The leader said `departure`: there is nothing to wait for, so a normal member stands
   * after a random pause within the election jitter instead of the full election timeout
   * (the pause spreads candidates; one that hears of an election first stays out).
   */
  #leaderDeparted(): void {
    if (this.preference !== 'normal') return
    const term = this.#core.status().term
    const pause = Math.random() * Math.max(tickMs(this.consensus), this.consensus.electionTimeout / 4)
    this.#timers.after(pause, () => {
      const s = this.#core.status()
      if (this.#closed || s.leader !== undefined || s.term !== term || s.role !== 'follower') return
      const cfg = raftConfig(this.peerId, this.preference, this.consensus)
      const max = cfg.electionTicks + cfg.electionJitterTicks + cfg.bootstrapTicks + 2
      this.#input(() => {
        for (let i = 0; i < max && this.#core.status().role === 'follower' && !this.#core.status().leader; i++)
          this.#core.tick()
      })
    })
  }

  #onBondMessage(peer: PeerId, m: BondMessage): void {
    if (this.#closed) return
    if (m.type === 'raft') {
      const raft = m.m
      if (this.#session && raft.type === 'appendEntries' && raft.entries.length > 0 && this.#buffered.length < 64)
        this.#buffered.push(raft)
      this.#input(() => this.#core.step(raft))
    } else if (m.type === 'sync') this.#onSync(peer, m.m)
  }

  // ---- the Ready loop ----------------------------------------------------------------

  #drain(): void {
    if (this.#draining || this.#closed) return
    this.#draining = true
    try {
      while (this.#core.hasReady()) this.#handle(this.#core.ready())
    } finally {
      this.#draining = false
    }
    this.#compact()
    this.#publish()
  }

  #handle(rd: Ready<LogCommand>): void {
    // 1. Persist before anything that depends on it leaves this process (Raft §5, Figure 2).
    if (rd.truncateFrom !== undefined) this.#storage.truncateFrom(rd.truncateFrom)
    if (rd.entries.length > 0) this.#storage.append(rd.entries)
    if (rd.hardState) this.#storage.saveHardState(rd.hardState)
    // 2. Send.
    for (const m of rd.messages) {
      if (m.type === 'vote') {
        this.#telemetry({ type: 'group.vote', term: m.term, candidate: m.to, vote: m.vote })
      }
      this.#sendRaft(m)
    }
    // 3. Roll back, 4. apply.
    if (rd.reverted !== undefined) this.#onReverted(rd.reverted)
    this.#apply(rd.committed)
    // 5. Answer callers.
    for (const p of rd.proposals) this.#pending.settle(p.requestId, p)
    for (const r of rd.readStates) this.#pending.settle(r.requestId, r)
    if (rd.needsSnapshot) this.#startSync(rd.needsSnapshot.index)
    this.#core.advance()
  }

  /**
   * Sends one Raft message. An AppendEntries too large for one frame is split into
   * consecutive ones (each chained on the previous one's last entry), which a follower
   * treats exactly like the whole.
   */
  #sendRaft(m: Message<LogCommand>): void {
    try {
      this.#bonds.send(m.to, { type: 'raft', m })
      return
    } catch (err) {
      if (m.type !== 'appendEntries' || m.entries.length < 2) {
        console.error(`mosaik-react: cannot send ${m.type} to ${m.to}`, err)
        return
      }
    }
    const half = Math.ceil(m.entries.length / 2)
    const head = m.entries.slice(0, half)
    const last = head[head.length - 1] as Entry<LogCommand>
    this.#sendRaft({ ...m, entries: head, commit: Math.min(m.commit, last.index) })
    const { prevLeader: _, ...rest } = m
    this.#sendRaft({
      ...rest,
      prevIndex: last.index,
      prevTerm: last.term,
      ...(last.leader === undefined ? {} : { prevLeader: last.leader }),
      entries: m.entries.slice(half),
    })
  }

  #apply(entries: readonly Entry<LogCommand>[]): void {
    if (entries.length === 0) return
    // While a snapshot installs, the core delivers committed entries again after it.
    if (this.#session || this.#syncRetry) return
    let batch: C[] = []
    let batchFirst = 0
    let batchTerm = 0
    let count = 0
    const flush = () => {
      if (batch.length === 0) return
      const ctx = { term: batchTerm, firstIndex: batchFirst, lastIndex: batchFirst + batch.length - 1 }
      try {
        if (this.#sm.applyBatch) this.#sm.applyBatch(batch, ctx)
        else
          for (let i = 0; i < batch.length; i++)
            this.#sm.apply(batch[i] as C, { ...ctx, firstIndex: batchFirst + i, lastIndex: batchFirst + i })
      } catch (err) {
        console.error(`mosaik-react: state machine of group ${this.id.short()} threw in apply`, err)
      }
      count += batch.length
      batch = []
    }
    for (const e of entries) {
      if (e.index <= this.#applied) continue
      const c = e.command
      if (c.t === 'cmd' && !e.noop) {
        let command: C
        try {
          command = decode<C>(c.b)
        } catch {
          flush()
          this.#applied = e.index
          continue
        }
        if (batch.length > 0 && (e.term !== batchTerm || e.index !== batchFirst + batch.length)) flush()
        if (batch.length === 0) {
          batchFirst = e.index
          batchTerm = e.term
        }
        batch.push(command)
        this.#pending.tagApplied(e.index, c.o)
      } else {
        flush()
        if (c.t === 'snap' && this.#sm.createSnapshot) {
          this.#applied = e.index
          this.#provider.hold(e.index, e.term, c.by, this.#sm.createSnapshot() as never)
        }
      }
      this.#applied = e.index
    }
    flush()
    const last = entries[entries.length - 1] as Entry<LogCommand>
    if (count > 0) this.#telemetry({ type: 'group.committed', version: last.index, count })
  }

  #onReverted(to: Version): void {
    this.#telemetry({ type: 'group.reverted', version: to })
    this.#revertedTo.push(to)
    // A state machine cannot be rolled back in place: fetch the group's state again.
    if (this.#canSnapshot()) {
      this.#applied = Math.min(this.#applied, to)
      this.#startSync(to)
    }
  }

  /** The log keeps `RETAIN_ENTRIES` behind the applied point and everything a held snapshot still needs. */
  #compact(): void {
    if (!this.#canSnapshot() || this.#session || this.#closed) return
    const s = this.#core.status()
    let upTo = Math.min(s.applied, this.#applied) - RETAIN_ENTRIES
    const floor = this.#provider.floor()
    if (floor !== undefined) upTo = Math.min(upTo, floor)
    if (upTo - s.firstIndex + 1 < COMPACT_STEP) return
    this.#core.compact(upTo)
    this.#storage.compact(upTo)
  }

  // ---- snapshot sync -----------------------------------------------------------------

  #canSnapshot(): boolean {
    return this.#sm.createSnapshot !== undefined && this.#sm.installSnapshot !== undefined
  }

  #syncHost() {
    return {
      local: this.#net.peerId,
      timers: this.#timers,
      config: this.syncConfig,
      send: (peer: PeerId, m: SyncMessage) => this.#bonds.send(peer, { type: 'sync', m }),
      bonded: () => this.#bonds.peers(),
      leader: () => this.#core.status().leader,
      telemetry: (e: Omit<Extract<GroupTelemetry, { type: 'group.sync' }>, 'at' | 'peer' | 'group' | 'type'>) =>
        this.#telemetry({ type: 'group.sync', ...e }),
    }
  }

  #startSync(minIndex: number): void {
    if (this.#session || this.#closed) return
    if (!this.#canSnapshot()) {
      this.#telemetry({ type: 'group.sync', phase: 'failed', position: minIndex })
      return
    }
    this.#syncRetry = false
    this.#buffered = []
    this.#session = new SyncSession(this.#syncHost(), minIndex, (r) => this.#synced(r))
    this.#telemetry({ type: 'group.sync', phase: 'started', position: minIndex })
    this.#session.request()
    this.#publish()
  }

  #synced(result: FetchedSnapshot | Error): void {
    this.#session = undefined
    if (this.#closed) return
    if (result instanceof Error) {
      this.#telemetry({ type: 'group.sync', phase: 'failed' })
      this.#syncRetry = true
      this.#timers.after(SYNC_RETRY_MS, () => {
        const need = this.#core.status().needsSnapshot
        if (this.#syncRetry) this.#startSync(need?.index ?? this.#applied)
      })
      this.#publish()
      return
    }
    try {
      this.#sm.installSnapshot?.(result.items as I[])
    } catch (err) {
      console.error(`mosaik-react: state machine of group ${this.id.short()} threw in installSnapshot`, err)
    }
    this.#applied = result.index
    this.#storage.saveSnapshot(result.index, result.term)
    this.#telemetry({
      type: 'group.sync',
      phase: 'installed',
      position: result.index,
      items: result.items.length,
      sources: result.sources,
    })
    const buffered = this.#buffered.filter((m) => m.prevIndex >= result.index)
    this.#buffered = []
    this.#input(() => {
      this.#core.installSnapshot(result.index, result.term)
      // Replay what arrived meanwhile (mosaik buffers it in the session).
      for (const m of buffered) this.#core.step(m)
    })
  }

  #onSync(peer: PeerId, m: SyncMessage): void {
    switch (m.type) {
      case 'request':
        if (this.#core.status().role === 'leader' && this.#canSnapshot() && this.#provider.shouldReplicate(peer)) {
          this.#input(() => this.#pending.ignore(this.#core.propose([{ t: 'snap', by: peer }])))
        }
        return
      case 'offer':
        this.#session?.offer(peer, m)
        return
      case 'fetch':
        this.#provider.fetch(peer, m)
        return
      case 'data':
        this.#session?.data(peer, m)
        return
    }
  }

  // ---- state, telemetry --------------------------------------------------------------

  #computeState(): GroupState {
    const s = this.#core.status()
    const bonds = this.#bonds ? this.#bonds.peers() : []
    const reachable = s.leader !== undefined && (s.leader === this.peerId || bonds.includes(s.leader))
    const syncing = this.#session !== undefined || this.#syncRetry
    return {
      role: s.role,
      term: s.term,
      leader: s.leader,
      online: reachable && !syncing && !s.lagging && s.needsSnapshot === undefined,
      commit: s.commit,
      applied: this.#applied,
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
    if (prev.leader !== next.leader && this.#session && !this.#session.fetching) this.#session.request()
    this.#state.set(Object.freeze(next))
    if (visible) this.#telemetry({ type: 'group.state', ...this.#stateBody(next) })
    for (const v of this.#revertedTo.splice(0)) this.#reverted.emit(v)
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
