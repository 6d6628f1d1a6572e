import { DurableStorage } from '../../../../src/groups/durable-storage.js'
import type { Entry, HardState, LogIndex, Term } from '../../../../src/groups/raft/types.js'
import { MemoryStorage, type PersistedState, type Storage } from '../../../../src/groups/storage.js'
import type { Journal, JournalContents, PersistError } from '../../../../src/network/persist/journal.js'
import type { Random } from '../rng.js'
import type { DriverChecks } from './checks.js'
import { PersistLedger } from './persist-ledger.js'
import type { Life, Scheduler } from './scheduler.js'
import type { SimProcess } from './sim-net.js'

/** How long a write takes to become durable, virtual ms (an IndexedDB transaction's commit). */
const COMMIT_MS = { min: 5, max: 80 }
/** Small checkpoint limits, so runs checkpoint (and restart from checkpoints) often. */
const LIMITS = { records: 48, entries: 64 }

/** What one member's disk holds durably: survives crashes; a restart that keeps its store loads it. */
class SimDisk {
  checkpoint: unknown
  records: unknown[] = []
  /** The journal of the incarnation writing now (its writes not yet durable are lost in a crash). */
  journal: SimJournal | undefined
}

/**
 * A `Journal` whose writes become durable only after a seeded delay, in order, one transaction
 * per call, as `IdbJournal`'s (src/network/persist/idb-root.ts): `pending` is the last write's
 * commit, cleared when it lands. A commit is an event of the writing process's life, so a
 * crash loses every write not yet durable, and the restarted member loads only what was.
 */
class SimJournal implements Journal {
  readonly loaded: JournalContents
  readonly failed: PersistError | undefined = undefined
  tailBytes = 0
  tailRecords = 0
  /** Writes issued and not yet durable. */
  inflight = 0
  readonly #disk: SimDisk
  readonly #sched: Scheduler
  readonly #life: Life
  readonly #rng: Random
  #pending: Promise<void> | undefined
  /** When the last write issued becomes durable: commits land in the order they were issued. */
  #commitAt = 0

  constructor(disk: SimDisk, sched: Scheduler, life: Life, rng: Random) {
    this.#disk = disk
    this.#sched = sched
    this.#life = life
    this.#rng = rng
    // A copy, as a read from disk is: nothing the new incarnation does touches the disk but a commit.
    this.loaded = structuredClone({ checkpoint: disk.checkpoint, records: disk.records })
  }

  get pending(): Promise<void> | undefined {
    return this.#pending
  }

  append(record: unknown): void {
    // Encoded at the call, as IndexedDB's `put` copies its value: later changes to it do not count.
    const copy = structuredClone(record)
    this.tailRecords++
    this.tailBytes += 64
    this.#write((d) => d.records.push(copy))
  }

  checkpoint(state: unknown): void {
    const copy = structuredClone(state)
    this.tailRecords = 0
    this.tailBytes = 0
    // Every record issued before this commits before it (in order): the checkpoint replaces them all.
    this.#write((d) => {
      d.checkpoint = copy
      d.records = []
    })
  }

  close(): void {}

  #write(apply: (disk: SimDisk) => void): void {
    const now = this.#sched.now
    this.#commitAt = Math.max(this.#commitAt, now + this.#rng.int(COMMIT_MS.min, COMMIT_MS.max))
    let done = () => {}
    const settled = new Promise<void>((resolve) => {
      done = resolve
    })
    this.#pending = settled
    this.inflight++
    this.#sched.at(
      this.#commitAt - now,
      () => {
        apply(this.#disk)
        this.inflight--
        if (this.#pending === settled) this.#pending = undefined
        done()
      },
      this.#life,
    )
  }
}

/**
 * The driver simulator's durable stores: each member's `DurableStorage` (the real one) on a
 * simulated asynchronous journal, with the log-matching checks of `DriverChecks.storage` and the
 * persistence checks of `PersistLedger`. `open` with a kept store restarts from its disk.
 */
export class SimDisks {
  /** Writes not yet durable when their member crashed (lost with it). */
  lost = 0
  /** Restarts that loaded a disk. */
  reloads = 0
  readonly ledger: PersistLedger
  readonly #sched: Scheduler
  readonly #rng: Random
  readonly #checks: DriverChecks
  /** Each store handed out (its `inner`) -> its disk. */
  readonly #disks = new WeakMap<MemoryStorage, SimDisk>()

  constructor(sched: Scheduler, rng: Random, checks: DriverChecks) {
    this.#sched = sched
    this.#rng = rng
    this.#checks = checks
    this.ledger = new PersistLedger(checks.strict, (m) => checks.fail(m))
  }

  /**
   * A store for the incarnation `name` of `proc`: on the disk of `kept` (a store handed out
   * before, whose member crashed), else on a fresh disk. `inner` names the store for `kept`.
   */
  open(name: string, proc: SimProcess, kept: MemoryStorage | undefined): Storage & { inner: MemoryStorage } {
    const known = kept && this.#disks.get(kept)
    const disk = known ?? new SimDisk()
    if (disk.journal) this.lost += disk.journal.inflight
    if (known) this.reloads++
    const journal = new SimJournal(disk, this.#sched, proc.life, this.#rng)
    disk.journal = journal
    const store = new DurableStorage(
      journal,
      (e) => this.#checks.fail(`${name}: durable write failed: ${e.message}`),
      LIMITS,
    )
    const peer = proc.peerId
    this.ledger.started(peer, proc.life, known ? store.load() : undefined, name)
    proc.tamper = (ch, m) => {
      this.ledger.sent(peer, m, ch.remotePeer)
      return m
    }
    // Log matching is checked on a shadow log of this incarnation (what it asked to write).
    const shadow = new MemoryStorage()
    this.#disks.set(shadow, disk)
    const check = this.#checks.storage(name, shadow)
    return {
      inner: shadow,
      load: () => store.load(),
      loadState: () => store.loadState(),
      wantsCheckpoint: () => store.wantsCheckpoint(),
      checkpoint: (state: PersistedState) => store.checkpoint(state),
      get pending() {
        return store.pending
      },
      saveReady: (x: LogIndex | undefined, es: readonly Entry<unknown>[], h: HardState | undefined) => {
        if (x !== undefined) check.truncateFrom(x)
        if (es.length > 0) check.append(es)
        store.saveReady(x, es, h)
      },
      saveHardState: (h: HardState) => store.saveHardState(h),
      truncateFrom: (i: LogIndex) => {
        check.truncateFrom(i)
        store.truncateFrom(i)
      },
      append: (es: readonly Entry<unknown>[]) => {
        check.append(es)
        store.append(es)
      },
      saveSnapshot: (i: LogIndex, t: Term) => {
        check.saveSnapshot(i, t)
        store.saveSnapshot(i, t)
      },
      compact: (i: LogIndex) => {
        check.compact(i)
        store.compact(i)
      },
      close: () => store.close(),
    }
  }
}
