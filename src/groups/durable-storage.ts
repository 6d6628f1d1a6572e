import { type Journal, type PersistError, PersistError as PersistErrorClass } from '../network/persist/journal.js'
import type { Entry, HardState, LogIndex, RaftRestore, SnapshotPoint, Term } from './raft/types.js'
import type { PersistedState, Storage } from './storage.js'

/** Checkpoint once this many records were appended since the last one … */
const CHECKPOINT_RECORDS = 2_048
/** … or this many bytes … */
const CHECKPOINT_BYTES = 4 * 1024 * 1024
/** … or this many entries (what the mirror holds and a restart replays stays bounded). */
const CHECKPOINT_ENTRIES = 4_096

const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0

/** One Ready's persistence, written as one record (atomic: a torn record is dropped whole). */
type ReadyRecord = { t: 'r'; x?: LogIndex; e?: Entry<unknown>[]; h?: HardState }
/** A snapshot installed from peers: the log restarts after `s`. */
type SnapshotRecord = { t: 's'; s: SnapshotPoint }
/** The checkpointed state machine state no longer holds (its entries were overwritten). */
type StaleRecord = { t: 'v' }
type JournalRecord = ReadyRecord | SnapshotRecord | StaleRecord

interface Checkpoint {
  hardState: HardState | undefined
  snapshot: SnapshotPoint | undefined
  entries: Entry<unknown>[]
  state: PersistedState | undefined
}

/**
 * `Storage` on a durable `Journal` (files or IndexedDB): each Ready is one journal record
 * (truncation, entries and hard state together, durable before the driver sends), and every
 * few thousand records a checkpoint replaces the journal with the state machine's state, the
 * snapshot point and the log's tail, so storage stays bounded by state plus tail. A write that
 * fails (quota, I/O) is reported once; the member then keeps its log in memory only.
 */
export class DurableStorage implements Storage {
  readonly #journal: Journal
  readonly #onFailed: (error: PersistError) => void
  #hardState: HardState | undefined
  #snapshot: SnapshotPoint | undefined
  #entries: Entry<unknown>[] = []
  #state: PersistedState | undefined
  #failed = false
  #replaying = true
  /** Entries appended since the last checkpoint (the replay a restart faces). */
  #entriesSince = 0
  /** The highest index the driver allowed compacting to. */
  #compactTo: LogIndex = 0

  readonly #limits: { records: number; bytes: number; entries: number }

  /** `limits`: checkpoint once this many records, bytes or kept entries piled up since the last one. */
  constructor(
    journal: Journal,
    onFailed: (error: PersistError) => void,
    limits: { records?: number; bytes?: number; entries?: number } = {},
  ) {
    this.#journal = journal
    this.#onFailed = onFailed
    this.#limits = {
      records: limits.records ?? CHECKPOINT_RECORDS,
      bytes: limits.bytes ?? CHECKPOINT_BYTES,
      entries: limits.entries ?? CHECKPOINT_ENTRIES,
    }
    const cp = journal.loaded.checkpoint as Partial<Checkpoint> | undefined
    if (cp && typeof cp === 'object') {
      this.#hardState = cp.hardState
      this.#snapshot = cp.snapshot
      this.#entries = Array.isArray(cp.entries) ? cp.entries : []
      this.#state = cp.state
    }
    for (const r of journal.loaded.records) this.#replay(r as JournalRecord)
    this.#replaying = false
    this.#check()
  }

  /** What came from disk must form a log the core can use; else the store is damaged. */
  #check(): void {
    const bad = (why: string) => new PersistErrorClass('corrupt', `stored log is damaged: ${why}`)
    const h = this.#hardState
    if (h !== undefined && (!isIndex(h.term) || !isIndex(h.commit))) throw bad('hard state')
    const base = this.#snapshot?.index ?? 0
    if (this.#snapshot && (!isIndex(this.#snapshot.index) || !isIndex(this.#snapshot.term))) throw bad('snapshot point')
    this.#entries.forEach((e, i) => {
      if (!e || e.index !== base + i + 1 || !isIndex(e.term)) throw bad(`entry ${base + i + 1}`)
    })
    const st = this.#state
    if (st !== undefined && (!isIndex(st.index) || !Array.isArray(st.items))) throw bad('state')
  }

  load(): RaftRestore<unknown> | undefined {
    if (!this.#hardState) return undefined
    return {
      hardState: this.#hardState,
      entries: [...this.#entries],
      ...(this.#snapshot ? { snapshot: this.#snapshot } : {}),
    }
  }

  loadState(): PersistedState | undefined {
    return this.#hardState ? this.#state : undefined
  }

  get pending(): Promise<void> | undefined {
    return this.#failed ? undefined : this.#journal.pending?.catch((err: unknown) => this.#fail(err as PersistError))
  }

  saveReady(truncateFrom: LogIndex | undefined, entries: readonly Entry<unknown>[], hardState: HardState | undefined) {
    const record: ReadyRecord = { t: 'r' }
    if (truncateFrom !== undefined) record.x = truncateFrom
    if (entries.length > 0) record.e = [...entries]
    if (hardState) record.h = hardState
    if (record.x === undefined && !record.e && !record.h) return
    this.#replay(record)
    this.#write(record)
  }

  saveHardState(state: HardState): void {
    this.saveReady(undefined, [], state)
  }

  truncateFrom(index: LogIndex): void {
    this.saveReady(index, [], undefined)
  }

  append(entries: readonly Entry<unknown>[]): void {
    this.saveReady(undefined, entries, undefined)
  }

  saveSnapshot(index: LogIndex, term: Term, leader?: string): void {
    const record: SnapshotRecord = { t: 's', s: { index, term, ...(leader === undefined ? {} : { leader }) } }
    this.#replay(record)
    this.#write(record)
  }

  /** Compacts the mirror only; the journal drops entries at the next checkpoint. */
  compact(index: LogIndex): void {
    this.#compactTo = Math.max(this.#compactTo, index)
    this.#compactMirror()
  }

  #compactMirror(): void {
    const keepFrom = Math.min(this.#compactTo, this.#state?.index ?? 0)
    const at = this.#entries.findIndex((e) => e.index > keepFrom)
    const last = at > 0 ? this.#entries[at - 1] : at < 0 ? this.#entries[this.#entries.length - 1] : undefined
    if (!last || last.index > keepFrom) return
    this.#snapshot = { index: last.index, term: last.term, ...(last.leader ? { leader: last.leader } : {}) }
    this.#entries = at < 0 ? [] : this.#entries.slice(at)
  }

  wantsCheckpoint(): boolean {
    if (this.#failed) return false
    return (
      this.#journal.tailRecords >= this.#limits.records ||
      this.#journal.tailBytes >= this.#limits.bytes ||
      this.#entriesSince >= this.#limits.entries
    )
  }

  /** Replaces the journal with `state` (the state machine at `state.index`) and the log after the snapshot point. */
  checkpoint(state: PersistedState): void {
    this.#state = state
    this.#compactMirror()
    this.#entriesSince = 0
    if (this.#failed) return
    const cp: Checkpoint = {
      hardState: this.#hardState,
      snapshot: this.#snapshot,
      entries: this.#entries,
      state,
    }
    try {
      this.#journal.checkpoint(cp)
    } catch (err) {
      this.#fail(err as PersistError)
    }
  }

  close(): void {
    this.#journal.close()
  }

  /** Entries the mirror holds (tests: storage stays bounded). */
  get length(): number {
    return this.#entries.length
  }

  #write(record: JournalRecord): void {
    if (this.#failed) return
    try {
      this.#journal.append(record)
    } catch (err) {
      this.#fail(err as PersistError)
    }
  }

  #fail(error: PersistError): void {
    if (this.#failed) return
    this.#failed = true
    this.#onFailed(error)
  }

  #replay(r: JournalRecord): void {
    if (!r || typeof r !== 'object') return
    if (r.t === 's') {
      if (!r.s || !isIndex(r.s.index)) throw new PersistErrorClass('corrupt', 'stored log is damaged: snapshot')
      this.#snapshot = r.s
      this.#entries = this.#entries.filter((e) => e.index > r.s.index)
      if (this.#state && this.#state.index < r.s.index) this.#state = undefined
      return
    }
    if (r.t === 'v') {
      this.#state = undefined
      return
    }
    if (r.t !== 'r') return
    if (r.x !== undefined) this.#truncate(r.x)
    if (r.e !== undefined && !Array.isArray(r.e))
      throw new PersistErrorClass('corrupt', 'stored log is damaged: entries')
    if (r.e) {
      this.#entriesSince += r.e.length
      const first = r.e[0]
      if (first) {
        const last = this.#entries[this.#entries.length - 1]
        if (last !== undefined && last.index >= first.index) this.#truncate(first.index)
      }
      for (const e of r.e) this.#entries.push(e)
    }
    if (r.h) this.#hardState = r.h
  }

  #truncate(index: LogIndex): void {
    const at = this.#entries.findIndex((e) => e.index >= index)
    if (at >= 0) this.#entries.length = at
    // The checkpointed state applied entries that a new leader overwrote: it no longer holds.
    if (this.#state && this.#state.index >= index) {
      this.#state = undefined
      if (!this.#replaying) this.#write({ t: 'v' })
    }
  }
}
