import type {
  Entry,
  HardState,
  LeadershipPreference,
  Message,
  NodeId,
  ProposalOutcome,
  RaftConfig,
  RaftCore,
  ReadState,
  SnapshotPoint,
} from '../../../src/groups/raft/index.js'
import { createRaft, describe } from '../../../src/groups/raft/index.js'
import { seededRng } from '../sim/rng.js'

/** What a member persisted: the driver's storage, in memory. */
export interface Disk {
  hardState: HardState
  entries: Entry<string>[]
  snapshot: (SnapshotPoint & { applied: string[] }) | undefined
}

export interface Member {
  readonly id: NodeId
  readonly preference: LeadershipPreference
  raft: RaftCore<string>
  disk: Disk
  /** Commands applied, in order (no-ops skipped), rebuilt on snapshot install. */
  applied: string[]
  appliedIndex: number
  proposals: ProposalOutcome[]
  reads: ReadState[]
  reverted: number[]
  up: boolean
}

export interface ClusterOptions {
  minVoters?: number
  seed?: number
  config?: Partial<Omit<RaftConfig, 'id' | 'preference' | 'rng'>>
  noop?: boolean
}

/**
 * A synchronous in-memory network in the style of etcd's raft tests: every message is delivered
 * in order unless a link is cut; `stabilize` runs until nothing moves. The transcript records what
 * happened for golden tests.
 */
export class Cluster {
  readonly members = new Map<NodeId, Member>()
  readonly transcript: string[] = []
  readonly #cut = new Set<string>()
  #queue: Message<string>[] = []
  readonly #options: ClusterOptions
  #seed: number

  constructor(options: ClusterOptions = {}) {
    this.#options = options
    this.#seed = options.seed ?? 1
  }

  config(id: NodeId, preference: LeadershipPreference): RaftConfig {
    return {
      id,
      preference,
      electionTicks: 10,
      electionJitterTicks: 0,
      heartbeatTicks: 3,
      bootstrapTicks: 0,
      reluctantExtraTicks: 10,
      maxEntriesPerAppend: 4,
      ...(this.#options.minVoters ? { minVoters: this.#options.minVoters } : {}),
      ...this.#options.config,
      rng: seededRng(this.#seed++),
    }
  }

  add(id: NodeId, preference: LeadershipPreference = 'normal'): Member {
    const disk: Disk = { hardState: { term: 0, votedFor: undefined, commit: 0 }, entries: [], snapshot: undefined }
    const member: Member = {
      id,
      preference,
      raft: this.#create(id, preference, undefined),
      disk,
      applied: [],
      appliedIndex: 0,
      proposals: [],
      reads: [],
      reverted: [],
      up: true,
    }
    this.members.set(id, member)
    this.#connectAll(member)
    return member
  }

  #create(id: NodeId, preference: LeadershipPreference, disk: Disk | undefined): RaftCore<string> {
    const restore = disk && {
      hardState: disk.hardState,
      entries: disk.entries,
      ...(disk.snapshot
        ? { snapshot: { index: disk.snapshot.index, term: disk.snapshot.term, leader: disk.snapshot.leader } }
        : {}),
    }
    return createRaft<string>(this.config(id, preference), restore, this.#options.noop ? { noop: '' } : {})
  }

  get(id: NodeId): Member {
    const member = this.members.get(id)
    if (!member) throw new Error(`no member ${id}`)
    return member
  }

  linked(a: NodeId, b: NodeId): boolean {
    return this.get(a).up && this.get(b).up && !this.#cut.has(`${a}>${b}`)
  }

  #connectAll(member: Member): void {
    for (const other of this.members.values()) {
      if (other.id === member.id || !other.up || !member.up) continue
      if (this.linked(member.id, other.id)) member.raft.peerUp(other.id, other.preference)
      if (this.linked(other.id, member.id)) other.raft.peerUp(member.id, member.preference)
    }
  }

  /** Cut links between groups (both ways); members see each other go down. */
  partition(...groups: NodeId[][]): void {
    for (const [i, group] of groups.entries()) {
      for (const other of groups.slice(i + 1)) for (const a of group) for (const b of other) this.cutLink(a, b, true)
    }
  }

  /** Cut a → b only (`both`: and b → a). The receiver side sees the sender go down. */
  cutLink(a: NodeId, b: NodeId, both = false): void {
    this.#cut.add(`${a}>${b}`)
    this.get(b).raft.peerDown(a)
    if (both) this.cutLink(b, a)
  }

  heal(): void {
    this.#cut.clear()
    for (const member of this.members.values()) this.#connectAll(member)
  }

  crash(id: NodeId): void {
    const member = this.get(id)
    member.up = false
    for (const other of this.members.values()) if (other.id !== id) other.raft.peerDown(id)
  }

  /** Restart from disk (`keepDisk`) or with everything lost. */
  restart(id: NodeId, keepDisk: boolean): void {
    const member = this.get(id)
    if (!keepDisk)
      member.disk = { hardState: { term: 0, votedFor: undefined, commit: 0 }, entries: [], snapshot: undefined }
    member.raft = this.#create(id, member.preference, keepDisk ? member.disk : undefined)
    member.applied = [...(member.disk.snapshot?.applied ?? [])]
    member.appliedIndex = member.disk.snapshot?.index ?? 0
    member.up = true
    this.#connectAll(member)
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.get(id).raft.tick()
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) for (const member of this.members.values()) if (member.up) member.raft.tick()
  }

  /** Drain every member's Ready like a driver would: persist, send, apply, report. */
  processReadies(): boolean {
    let moved = false
    for (const member of this.members.values()) {
      while (member.up && member.raft.hasReady()) {
        moved = true
        const ready = member.raft.ready()
        const disk = member.disk
        if (ready.truncateFrom !== undefined)
          disk.entries = disk.entries.filter((e) => e.index < (ready.truncateFrom ?? 0))
        disk.entries.push(...ready.entries)
        if (ready.hardState) disk.hardState = ready.hardState
        this.#queue.push(...ready.messages)
        if (ready.reverted !== undefined) {
          this.transcript.push(`${member.id} reverts to ${ready.reverted}`)
          this.#revert(member, ready.reverted)
        }
        for (const entry of ready.committed) {
          if (!entry.noop) member.applied.push(entry.command)
          member.appliedIndex = entry.index
        }
        const first = ready.committed[0]
        const last = ready.committed[ready.committed.length - 1]
        if (first && last) {
          const commands = ready.committed.map((e) => (e.noop ? '<noop>' : e.command)).join(' ')
          this.transcript.push(`${member.id} applies ${first.index}..${last.index}: ${commands}`)
        }
        for (const p of ready.proposals) {
          this.transcript.push(
            `${member.id} proposal ${p.requestId}: ${p.indices ? `indices ${p.indices.join(',')}` : p.reason}`,
          )
        }
        for (const r of ready.readStates) {
          this.transcript.push(
            `${member.id} read ${r.requestId}: ${r.index !== undefined ? `index ${r.index}` : r.reason}`,
          )
        }
        member.proposals.push(...ready.proposals)
        member.reads.push(...ready.readStates)
        if (ready.softState)
          this.transcript.push(
            `${member.id} becomes ${ready.softState.role} t=${ready.softState.term} leader=${ready.softState.leader ?? '-'}`,
          )
        if (ready.needsSnapshot) {
          this.transcript.push(
            `${member.id} needs a snapshot at ${ready.needsSnapshot.index} from ${ready.needsSnapshot.leader}`,
          )
          this.#snapshotSync(member, ready.needsSnapshot.leader)
        }
        member.raft.advance()
      }
    }
    return moved
  }

  /** Rebuild the state machine at `index` by replaying the log from the snapshot (test driver). */
  #revert(member: Member, index: number): void {
    member.reverted.push(index)
    const base = member.disk.snapshot
    const replay = member.raft.entries((base?.index ?? 0) + 1, index)
    member.applied = [...(base?.applied ?? []), ...replay.filter((e) => !e.noop).map((e) => e.command)]
    member.appliedIndex = index
  }

  /** Copy the leader's applied state and install it (mosaik runs this across peers). */
  #snapshotSync(member: Member, from: NodeId): void {
    const source = this.members.get(from)
    if (!source?.up) return
    const point = source.raft.snapshotPoint(source.appliedIndex)
    if (!point) return
    const index = point.index
    member.applied = [...source.applied]
    member.appliedIndex = index
    member.disk.snapshot = { ...point, applied: [...source.applied] }
    member.disk.entries = member.disk.entries.filter((e) => e.index > index)
    member.raft.installSnapshot(index, point.term, point.leader)
    this.transcript.push(`${member.id} installs snapshot ${point.term}:${index} from ${from}`)
  }

  /** Compact `id` up to its applied index, keeping its snapshot on disk. */
  compact(id: NodeId): void {
    const member = this.get(id)
    const point = member.raft.snapshotPoint(member.appliedIndex)
    if (!point) return
    const index = point.index
    member.raft.compact(index)
    member.disk.snapshot = { ...point, applied: [...member.applied] }
    member.disk.entries = member.disk.entries.filter((e) => e.index > index)
  }

  /** Deliver every queued message, in order, until nothing moves. */
  stabilize(limit = 10_000): void {
    for (let round = 0; round < limit; round++) if (!this.round()) return
    throw new Error('cluster did not stabilize')
  }

  /** One round: drain every Ready, then deliver what it sent. False when nothing was queued. */
  round(): boolean {
    this.processReadies()
    if (this.#queue.length === 0) return false
    const queue = this.#queue
    this.#queue = []
    for (const message of queue) this.deliver(message)
    return true
  }

  deliver(message: Message<string>): void {
    const linked = this.members.has(message.to) && this.linked(message.from, message.to)
    this.transcript.push(`${message.from}->${message.to} ${describe(message)}${linked ? '' : ' (dropped)'}`)
    if (linked) this.get(message.to).raft.step(message)
  }

  leader(): Member | undefined {
    return [...this.members.values()].find((m) => m.up && m.raft.status().role === 'leader')
  }

  /** Tick `id` until it stands (its term moves), then let the election finish. */
  campaign(id: NodeId): void {
    const member = this.get(id)
    const term = member.raft.status().term
    for (let i = 0; i < 1000 && member.raft.status().term === term; i++) member.raft.tick()
    this.stabilize()
  }
}
