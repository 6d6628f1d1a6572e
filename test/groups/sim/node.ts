import type {
  Entry,
  HardState,
  LeadershipPreference,
  NodeId,
  RaftConfig,
  RaftCore,
  SnapshotPoint,
} from '../../../src/groups/raft/index.js'
import { createRaft } from '../../../src/groups/raft/index.js'
import type { Replica } from './clients.js'
import { Register } from './register.js'

/** The driver's durable storage, as the simulated member persisted it. */
export interface Disk {
  hardState: HardState
  entries: Entry<string>[]
  snapshot: (SnapshotPoint & { register: Register; history: (string | undefined)[] }) | undefined
}

export function emptyDisk(): Disk {
  return { hardState: { term: 0, votedFor: undefined, commit: 0 }, entries: [], snapshot: undefined }
}

/**
 * One simulated member: the Raft core plus what a driver keeps around it (storage, the register
 * state machine, what it applied at each index).
 */
export class SimNode implements Replica {
  readonly id: NodeId
  readonly preference: LeadershipPreference
  readonly #config: (id: NodeId, preference: LeadershipPreference) => RaftConfig
  raft: RaftCore<string>
  disk: Disk = emptyDisk()
  register = new Register()
  /** Command applied at each index ('' for no-ops); rolled back on `reverted`. */
  history: (string | undefined)[] = []
  appliedIndex = 0
  up = true
  /** Peers this member was told are up (the driver's bond view). */
  readonly view = new Set<NodeId>()
  /** The core asked for snapshot sync (`Ready.needsSnapshot`) and may still need it. */
  syncing = false
  /** Tick at which a pending snapshot sync completes. */
  syncAt: number | undefined

  constructor(
    id: NodeId,
    preference: LeadershipPreference,
    config: (id: NodeId, p: LeadershipPreference) => RaftConfig,
  ) {
    this.id = id
    this.preference = preference
    this.#config = config
    this.raft = createRaft<string>(config(id, preference), undefined, { noop: '' })
  }

  /** Come back from disk (`keep`) or with nothing at all. */
  restart(keep: boolean): void {
    if (!keep) this.disk = emptyDisk()
    const disk = this.disk
    const snapshot = disk.snapshot
    const restore = keep
      ? {
          hardState: disk.hardState,
          entries: disk.entries,
          ...(snapshot ? { snapshot: { index: snapshot.index, term: snapshot.term, leader: snapshot.leader } } : {}),
        }
      : undefined
    this.raft = createRaft<string>(this.#config(this.id, this.preference), restore, { noop: '' })
    this.register = snapshot?.register.clone() ?? new Register()
    this.history = snapshot?.history.slice() ?? []
    this.appliedIndex = snapshot?.index ?? 0
    this.view.clear()
    this.syncAt = undefined
    this.syncing = false
    this.up = true
  }

  apply(entry: Entry<string>): void {
    this.register.apply(entry.command)
    this.history[entry.index] = entry.command
    this.appliedIndex = entry.index
  }

  /** Roll the state machine back to `index`: reload the snapshot, replay the log up to it. */
  revert(index: number): void {
    const snapshot = this.disk.snapshot
    const base = snapshot?.index ?? 0
    if (index < base) throw new Error(`${this.id}: revert to ${index} below snapshot ${base}`)
    this.register = snapshot?.register.clone() ?? new Register()
    this.history = snapshot?.history.slice() ?? []
    this.appliedIndex = base
    for (const entry of this.raft.entries(base + 1, index)) this.apply(entry)
    if (this.appliedIndex !== index)
      throw new Error(`${this.id}: cannot replay to ${index}, log ends at ${this.appliedIndex}`)
  }

  /** Save the state machine at the applied index and drop the log below it. */
  compact(): void {
    const point = this.raft.snapshotPoint(this.appliedIndex)
    if (!point) return
    const index = point.index
    this.raft.compact(index)
    this.disk.snapshot = { ...point, register: this.register.clone(), history: this.history.slice() }
    this.disk.entries = this.disk.entries.filter((e) => e.index > index)
  }

  /** Install `source`'s applied state (mosaik's snapshot sync, collapsed into one step). */
  installFrom(source: SimNode): void {
    const point = source.raft.snapshotPoint(source.appliedIndex)
    if (!point) return
    const index = point.index
    this.register = source.register.clone()
    this.history = source.history.slice(0, index + 1)
    this.appliedIndex = index
    this.disk.snapshot = { ...point, register: this.register.clone(), history: this.history.slice() }
    this.disk.entries = this.disk.entries.filter((e) => e.index > index)
    this.raft.installSnapshot(index, point.term, point.leader)
  }

  /** The snapshot point: the log holds nothing at or below it. */
  get compactedTo(): number {
    return this.disk.snapshot?.index ?? 0
  }

  appliedAt(index: number): string | undefined {
    return this.history[index]
  }
  value(): string {
    return this.register.value
  }
  casResult(op: number): boolean | undefined {
    return this.register.casResults.get(op)
  }
  propose(command: string): number {
    return this.raft.propose([command])
  }
  readIndex(): number {
    return this.raft.readIndex()
  }
}
