import type { Entry, LogIndex, SnapshotPoint, Term } from './types.js'

/**
 * The in-memory Raft log: entries after a snapshot point. Indices are 1-based; the snapshot point
 * (`snapshotIndex`, `snapshotTerm`) stands for every compacted entry. The log also tracks what
 * the driver has not persisted yet, so `Ready` can say exactly what to truncate and append.
 */
export class RaftLog<C> {
  #entries: Entry<C>[] = []
  #snapshotIndex: LogIndex = 0
  #snapshotTerm: Term = 0
  #snapshotLeader: string | undefined
  /** Lowest index changed since the last `takeUnstable`. */
  #unstableFrom: LogIndex | undefined
  /** Lowest index the driver must delete before appending. */
  #truncateFrom: LogIndex | undefined
  /** Last index the driver holds after the last `takeUnstable`. */
  #persistedLast: LogIndex = 0

  constructor(entries: readonly Entry<C>[] = [], snapshot?: SnapshotPoint) {
    if (snapshot) {
      this.#snapshotIndex = snapshot.index
      this.#snapshotTerm = snapshot.term
      this.#snapshotLeader = snapshot.leader
    }
    this.#entries = entries.filter((e) => e.index > this.#snapshotIndex)
    this.#persistedLast = this.lastIndex
  }

  get snapshotIndex(): LogIndex {
    return this.#snapshotIndex
  }
  get snapshotTerm(): Term {
    return this.#snapshotTerm
  }
  get snapshotLeader(): string | undefined {
    return this.#snapshotLeader
  }
  get firstIndex(): LogIndex {
    return this.#snapshotIndex + 1
  }
  get lastIndex(): LogIndex {
    return this.#snapshotIndex + this.#entries.length
  }
  get lastTerm(): Term {
    return this.termAt(this.lastIndex) ?? 0
  }

  /** The term at `index`, the snapshot term at the snapshot point, `undefined` when unknown. */
  termAt(index: LogIndex): Term | undefined {
    if (index === this.#snapshotIndex) return this.#snapshotTerm
    return this.at(index)?.term
  }

  at(index: LogIndex): Entry<C> | undefined {
    if (index <= this.#snapshotIndex) return undefined
    return this.#entries[index - this.#snapshotIndex - 1]
  }

  /** The leader of the entry at `index`; `undefined` (a wildcard) when unknown. */
  leaderAt(index: LogIndex): string | undefined {
    if (index === this.#snapshotIndex) return this.#snapshotLeader
    return this.at(index)?.leader
  }

  /**
   * Log matching (Raft §5.3) with the leader tag: the entry at `index` has `term`, and, when both
   * sides know it, the same leader.
   */
  matches(index: LogIndex, term: Term, leader: string | undefined): boolean {
    if (this.termAt(index) !== term) return false
    const mine = this.leaderAt(index)
    return mine === undefined || leader === undefined || mine === leader
  }

  /** Entries in [from, to] still held (clamped to the log). */
  slice(from: LogIndex, to: LogIndex): Entry<C>[] {
    const lo = Math.max(from, this.firstIndex) - this.#snapshotIndex - 1
    const hi = Math.min(to, this.lastIndex) - this.#snapshotIndex
    return lo < hi ? this.#entries.slice(lo, hi) : []
  }

  /** Append entries that continue the log exactly at `lastIndex + 1`. */
  append(entries: readonly Entry<C>[]): void {
    for (const entry of entries) {
      if (entry.index !== this.lastIndex + 1) throw new Error(`raft log: append ${entry.index} after ${this.lastIndex}`)
      this.#markUnstable(entry.index)
      this.#entries.push(entry)
    }
  }

  /** Delete `from` and everything after it. */
  truncate(from: LogIndex): void {
    if (from > this.lastIndex) return
    const cut = Math.max(from, this.firstIndex)
    this.#entries.length = cut - this.#snapshotIndex - 1
    this.#markUnstable(cut)
    if (cut <= this.#persistedLast) this.#truncateFrom = Math.min(this.#truncateFrom ?? cut, cut)
  }

  /** Drop entries at or below `index`; the snapshot point moves there. */
  compact(index: LogIndex): void {
    if (index <= this.#snapshotIndex) return
    const term = this.termAt(index)
    if (term === undefined) throw new Error(`raft log: cannot compact to ${index} past ${this.lastIndex}`)
    const leader = this.leaderAt(index)
    this.#entries = this.#entries.slice(index - this.#snapshotIndex)
    this.#snapshotIndex = index
    this.#snapshotTerm = term
    this.#snapshotLeader = leader
  }

  /**
   * Restart the log at a snapshot point. Entries after it survive when the log already holds the
   * same `(index, term)`, as in Raft §7; otherwise the whole log goes.
   */
  restartAt(index: LogIndex, term: Term, leader: string | undefined): void {
    if (index >= this.#snapshotIndex && this.matches(index, term, leader)) {
      if (index > this.#snapshotIndex) this.compact(index)
      return
    }
    if (index < this.lastIndex || this.#persistedLast > index) this.truncate(Math.max(index + 1, this.firstIndex))
    this.#entries = []
    this.#snapshotIndex = index
    this.#snapshotTerm = term
    this.#snapshotLeader = leader
    if (this.#unstableFrom !== undefined && this.#unstableFrom <= index) this.#unstableFrom = undefined
    this.#persistedLast = Math.min(this.#persistedLast, index)
  }

  hasUnstable(): boolean {
    return this.#unstableFrom !== undefined || this.#truncateFrom !== undefined
  }

  /** Hand the unpersisted changes to the driver (`Ready.truncateFrom` and `Ready.entries`). */
  takeUnstable(): { truncateFrom: LogIndex | undefined; entries: Entry<C>[] } {
    const truncateFrom = this.#truncateFrom
    const entries = this.#unstableFrom === undefined ? [] : this.slice(this.#unstableFrom, this.lastIndex)
    this.#unstableFrom = undefined
    this.#truncateFrom = undefined
    this.#persistedLast = this.lastIndex
    return { truncateFrom, entries }
  }

  #markUnstable(index: LogIndex): void {
    this.#unstableFrom = Math.min(this.#unstableFrom ?? index, index)
  }
}
