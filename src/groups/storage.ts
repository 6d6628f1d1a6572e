import type { Entry, HardState, LogIndex, RaftRestore, SnapshotPoint, Term } from './raft/types.js'

/**
 * Where a member persists its Raft state (Raft §5, Figure 2: term, vote and log must be
 * durable before messages that depend on them are sent). Calls are synchronous so the
 * driver can keep the persist-then-send order without awaiting; a durable implementation
 * writes through or journals synchronously. Entries carry opaque, CBOR-encodable commands.
 */
export interface Storage {
  /** What a restarting member comes back with, or undefined on first start. */
  load(): RaftRestore<unknown> | undefined
  saveHardState(state: HardState): void
  /** Removes entries at and after `index` (a new leader overwrote them). */
  truncateFrom(index: LogIndex): void
  /** Appends entries that follow the stored log. */
  append(entries: readonly Entry<unknown>[]): void
  /**
   * A state-machine snapshot up to `index` was installed; the log restarts after it. `leader`
   * is the `Entry.leader` tag of the entry at `index` (log matching needs it after a restart).
   */
  saveSnapshot(index: LogIndex, term: Term, leader?: string): void
  /**
   * Entries at or below `index` may be dropped. A store that drops them must keep the entry at
   * `index` as its snapshot point (index, term, leader), so `load()` never returns a log with a
   * gap: a restart then knows it must fetch the state up to that point.
   */
  compact(index: LogIndex): void
  /**
   * Durable stores: one Ready's truncation, entries and hard state in one atomic write (else
   * the driver calls `truncateFrom`, `append` and `saveHardState`).
   */
  saveReady?(
    truncateFrom: LogIndex | undefined,
    entries: readonly Entry<unknown>[],
    hardState: HardState | undefined,
  ): void
  /** Durable stores: the state machine's state a restart comes back with (see `checkpoint`). */
  loadState?(): PersistedState | undefined
  /** Durable stores: true when the store wants the state machine's state now (`checkpoint`). */
  wantsCheckpoint?(): boolean
  /** Durable stores: keep `state` (the state machine at `state.index`); older log records may go. */
  checkpoint?(state: PersistedState): void
  /**
   * Durable stores whose writes complete later (IndexedDB): settles when everything written so
   * far is durable. The driver sends and answers nothing that depends on a write before it.
   */
  readonly pending?: Promise<void> | undefined
  /** Releases the store (the member left). */
  close?(): void
}

/** The state machine's state as a durable store keeps it: its snapshot items at `index`. */
export interface PersistedState {
  readonly index: LogIndex
  readonly term: Term
  readonly items: unknown[]
}

/** Keeps everything in memory; the default. `load()` returns what was saved, so a test can restart a member from it. */
export class MemoryStorage implements Storage {
  #hardState: HardState | undefined
  #entries: Entry<unknown>[] = []
  #snapshot: SnapshotPoint | undefined

  load(): RaftRestore<unknown> | undefined {
    if (!this.#hardState) return undefined
    return {
      hardState: this.#hardState,
      entries: [...this.#entries],
      ...(this.#snapshot ? { snapshot: this.#snapshot } : {}),
    }
  }

  saveHardState(state: HardState): void {
    this.#hardState = state
  }

  truncateFrom(index: LogIndex): void {
    // Kept entries have consecutive indices, so the cut is found by arithmetic (O(1), not O(log));
    // the scan stays as the fallback should they ever not.
    const head = this.#entries[0]
    if (head === undefined) return
    const guess = Math.max(0, index - head.index)
    if (guess >= this.#entries.length) {
      if ((this.#entries[this.#entries.length - 1] as Entry<unknown>).index < index) return
    } else if (this.#entries[guess]?.index === Math.max(index, head.index)) {
      this.#entries.length = guess
      return
    }
    const at = this.#entries.findIndex((e) => e.index >= index)
    if (at >= 0) this.#entries.length = at
  }

  append(entries: readonly Entry<unknown>[]): void {
    if (entries.length === 0) return
    const first = entries[0] as Entry<unknown>
    const last = this.#entries[this.#entries.length - 1]
    if (last !== undefined && last.index >= first.index) this.truncateFrom(first.index)
    for (const e of entries) this.#entries.push(e)
  }

  saveSnapshot(index: LogIndex, term: Term, leader?: string): void {
    this.#snapshot = { index, term, ...(leader === undefined ? {} : { leader }) }
    this.#entries = this.#entries.filter((e) => e.index > index)
  }

  /** Drops entries up to `index`; the last one dropped becomes the snapshot point. */
  compact(index: LogIndex): void {
    if (index <= (this.#snapshot?.index ?? 0)) return
    const at = this.#entries.findIndex((e) => e.index > index)
    const last = at > 0 ? this.#entries[at - 1] : at < 0 ? this.#entries[this.#entries.length - 1] : undefined
    // Only what is held can be dropped: without the entry at the cut there is no point to keep.
    if (!last) return
    this.#snapshot = { index: last.index, term: last.term, ...(last.leader ? { leader: last.leader } : {}) }
    this.#entries = at < 0 ? [] : this.#entries.slice(at)
  }

  /** Entries currently kept (for tests proving the log stays bounded). */
  get length(): number {
    return this.#entries.length
  }
}
