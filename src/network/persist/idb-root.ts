import { type IDBPDatabase, type IDBPTransaction, openDB } from 'idb'
import { decode, encode } from '../../core/codec.js'
import { type Journal, type JournalContents, type JournalStore, PersistError, type PersistReport } from './journal.js'
import { type OpenedRoot, type PersistRoot, type RootOptions, safeName } from './persistence.js'

/** Key: `[namespace, seq]`; value: one CBOR-encoded record. */
const RECORDS = 'records'
/** Key: namespace; value: `{ seq, owner, state }` (CBOR), records below `seq` are gone. */
const CHECKPOINTS = 'checkpoints'
/** Keys `owner`, `identity`. */
const META = 'meta'

type Db = IDBPDatabase<unknown>
type Preloaded = Map<
  string,
  { seq: number; maxSeq: number; network?: unknown; state: unknown; records: { seq: number; bytes: Uint8Array }[] }
>

/**
 * Opens a persisted network in IndexedDB (`persist: true` = database `mosaik-react/<network>`).
 * Every journal call is one transaction with `durability: 'strict'` (flushed to disk before it
 * completes, where the browser supports the hint); the driver awaits `Journal.pending` before
 * it sends or acknowledges what depends on it. Everything is read once at open, so journals
 * load synchronously. A Web Lock keeps a second tab from acting as the same member.
 */
export async function openIdbRoot(options: RootOptions): Promise<OpenedRoot> {
  const name = options.persist === true ? `mosaik-react/${safeName(options.name)}` : options.persist
  const release = await webLock(`mosaik-react:${name}`)
  if (!release) return { ok: false, error: new PersistError('locked', `${name} is in use by another tab`) }
  let db: Db
  try {
    db = await openDB(name, 1, {
      upgrade(d) {
        if (!d.objectStoreNames.contains(RECORDS)) d.createObjectStore(RECORDS)
        if (!d.objectStoreNames.contains(CHECKPOINTS)) d.createObjectStore(CHECKPOINTS)
        if (!d.objectStoreNames.contains(META)) d.createObjectStore(META)
      },
    })
  } catch (cause) {
    release()
    return { ok: false, error: new PersistError('unsupported', `cannot open IndexedDB ${name}: ${cause}`, { cause }) }
  }
  const ownerRaw = await db.get(META, 'owner')
  const identity = await db.get(META, 'identity')
  const preloaded = await preload(db, options)
  let owner: { network: string; peer: string } | undefined
  if (ownerRaw !== undefined) {
    const o = ownerRaw as { network?: unknown; peer?: unknown }
    if (typeof o.network === 'string' && typeof o.peer === 'string') owner = { network: o.network, peer: o.peer }
    else {
      db.close()
      release()
      return { ok: false, error: new PersistError('corrupt', `the owner record of ${name} is damaged`) }
    }
  }
  const journals = new IdbJournalStore(db, options.network, preloaded, options.report)
  const root: PersistRoot = {
    where: `IndexedDB ${name}`,
    identity: identity instanceof Uint8Array ? identity : undefined,
    owner,
    saveIdentity: async (key) => {
      await db.put(META, key, 'identity')
    },
    saveOwner: async (o) => {
      await db.put(META, o, 'owner')
    },
    journals,
    close: async () => {
      await journals.close()
      db.close()
      release()
    },
  }
  return { ok: true, root }
}

async function preload(db: Db, options: RootOptions): Promise<Preloaded> {
  const out: Preloaded = new Map()
  const tx = db.transaction([CHECKPOINTS, RECORDS], 'readonly')
  for (let c = await tx.objectStore(CHECKPOINTS).openCursor(); c; c = await c.continue()) {
    const ns = String(c.key)
    try {
      const cp = decode<{ seq?: unknown; network?: unknown; state?: unknown }>(c.value as Uint8Array)
      if (typeof cp.seq !== 'number' || !Number.isSafeInteger(cp.seq) || cp.seq < 0)
        throw new Error('no sequence number')
      out.set(ns, { seq: cp.seq, maxSeq: -1, network: cp.network, state: cp.state, records: [] })
    } catch (err) {
      options.report({ type: 'persist.refused', namespace: ns, kind: 'corrupt', detail: `damaged checkpoint: ${err}` })
      out.set(ns, { seq: Number.MAX_SAFE_INTEGER, maxSeq: -1, state: undefined, records: [] })
    }
  }
  for (let c = await tx.objectStore(RECORDS).openCursor(); c; c = await c.continue()) {
    const [ns, seq] = c.key as [string, number]
    let entry = out.get(ns)
    if (!entry) {
      entry = { seq: 0, maxSeq: -1, state: undefined, records: [] }
      out.set(ns, entry)
    }
    if (typeof seq === 'number') entry.maxSeq = Math.max(entry.maxSeq, seq)
    if (seq >= entry.seq && c.value instanceof Uint8Array) entry.records.push({ seq, bytes: c.value })
  }
  await tx.done
  return out
}

class IdbJournalStore implements JournalStore {
  readonly #db: Db
  readonly #network: string
  readonly #preloaded: Preloaded
  readonly #report: (r: PersistReport) => void
  readonly #open = new Set<IdbJournal>()
  /** What journals closed in this session hold (a group left and joined again). */
  readonly #closed = new Map<string, { loaded: JournalContents; next: number }>()

  constructor(db: Db, network: string, preloaded: Preloaded, report: (r: PersistReport) => void) {
    this.#db = db
    this.#network = network
    this.#preloaded = preloaded
    this.#report = report
  }

  open(namespace: string): Journal {
    for (const j of this.#open)
      if (j.namespace === namespace) throw new PersistError('locked', `group ${namespace} is open already`)
    const closed = this.#closed.get(namespace)
    if (closed) {
      this.#closed.delete(namespace)
      return this.#track(new IdbJournal(this.#db, this.#network, namespace, closed.loaded, closed.next, this.#onClose))
    }
    const found = this.#preloaded.get(namespace)
    this.#preloaded.delete(namespace)
    const records: unknown[] = []
    let next = found?.seq ?? 0
    let state: unknown
    let gap = false
    if (found && found.seq !== Number.MAX_SAFE_INTEGER) {
      if (found.network !== undefined && found.network !== this.#network)
        throw new PersistError('foreign', `stored group ${namespace} belongs to network ${String(found.network)}`)
      state = found.state
      for (const r of found.records) {
        // Transactions commit whole, so a gap or damage means tampering: keep what precedes it.
        let value: unknown
        try {
          if (r.seq !== next) throw new Error(`record ${next} is missing`)
          value = decode(r.bytes)
        } catch (err) {
          this.#report({
            type: 'persist.recovered',
            namespace,
            records: records.length,
            droppedBytes: 0,
            detail: `${err}; later records dropped`,
          })
          gap = true
          break
        }
        records.push(value)
        next++
      }
    }
    const corrupt = found?.seq === Number.MAX_SAFE_INTEGER
    if (corrupt) next = found.maxSeq + 1
    const loaded = { checkpoint: state, records, ...(corrupt ? { reset: 'its checkpoint was damaged' } : {}) }
    const journal = this.#track(new IdbJournal(this.#db, this.#network, namespace, loaded, next, this.#onClose))
    // A damaged checkpoint was reported at preload: start the group over (it catches up from peers).
    if (corrupt) journal.checkpoint(undefined)
    // Records after a gap must not be read as a continuation of what is appended next.
    else if (gap) journal.dropFrom(next)
    return journal
  }

  readonly #onClose = (j: IdbJournal): void => {
    this.#open.delete(j)
    this.#closed.set(j.namespace, j.contents())
  }

  #track(j: IdbJournal): IdbJournal {
    this.#open.add(j)
    return j
  }

  async close(): Promise<void> {
    const open = [...this.#open]
    await Promise.allSettled(open.map((j) => j.pending))
    for (const j of open) j.close()
  }
}

class IdbJournal implements Journal {
  readonly loaded: JournalContents
  readonly #db: Db
  readonly #network: string
  readonly #ns: string
  /** The checkpoint and the records after it, as written (for a reopen in this session). */
  #state: unknown
  #tail: unknown[]
  readonly #onClose: (j: IdbJournal) => void
  #next: number
  #tailBytes = 0
  #tailRecords: number
  #pending: Promise<void> | undefined
  #failed: PersistError | undefined

  constructor(
    db: Db,
    network: string,
    ns: string,
    loaded: JournalContents,
    next: number,
    onClose: (j: IdbJournal) => void,
  ) {
    this.#db = db
    this.#network = network
    this.#ns = ns
    this.loaded = loaded
    this.#state = loaded.checkpoint
    this.#tail = [...loaded.records]
    this.#next = next
    this.#tailRecords = loaded.records.length
    this.#onClose = onClose
  }

  get namespace(): string {
    return this.#ns
  }

  /** What this journal holds now and the next sequence number. */
  contents(): { loaded: JournalContents; next: number } {
    return { loaded: { checkpoint: this.#state, records: [...this.#tail] }, next: this.#next }
  }

  /** Deletes records from `seq` on (left over after a gap). */
  dropFrom(seq: number): void {
    this.#run([RECORDS], (tx) => {
      tx.objectStore(RECORDS)
        .delete(IDBKeyRange.bound([this.#ns, seq], [this.#ns, Number.MAX_SAFE_INTEGER]))
        .catch(() => {})
    })
  }

  get tailBytes(): number {
    return this.#tailBytes
  }
  get tailRecords(): number {
    return this.#tailRecords
  }
  get pending(): Promise<void> | undefined {
    return this.#pending
  }
  get failed(): PersistError | undefined {
    return this.#failed
  }

  append(record: unknown): void {
    if (this.#failed) throw this.#failed
    const bytes = encode(record)
    const seq = this.#next++
    this.#tail.push(record)
    this.#tailBytes += bytes.length
    this.#tailRecords++
    this.#run([RECORDS], (tx) => {
      tx.objectStore(RECORDS)
        .put(bytes, [this.#ns, seq])
        .catch(() => {})
    })
  }

  checkpoint(state: unknown): void {
    if (this.#failed) throw this.#failed
    const seq = this.#next
    const bytes = encode({ seq, network: this.#network, state })
    this.#state = state
    this.#tail = []
    this.#tailBytes = 0
    this.#tailRecords = 0
    this.#run([CHECKPOINTS, RECORDS], (tx) => {
      tx.objectStore(CHECKPOINTS)
        .put(bytes, this.#ns)
        .catch(() => {})
      // (An empty range, seq 0, is not a valid key range.)
      if (seq > 0)
        tx.objectStore(RECORDS)
          .delete(IDBKeyRange.bound([this.#ns, 0], [this.#ns, seq], false, true))
          .catch(() => {})
    })
  }

  close(): void {
    this.#onClose(this)
  }

  /** One transaction per call; they commit in order, so the last one settling means all did. */
  #run(stores: string[], fn: (tx: IDBPTransaction<unknown, string[], 'readwrite'>) => void): void {
    let tx: IDBPTransaction<unknown, string[], 'readwrite'>
    try {
      tx = this.#db.transaction(stores, 'readwrite', { durability: 'strict' })
      fn(tx)
    } catch (cause) {
      this.#fail(cause)
      throw this.#failed
    }
    const settled: Promise<void> = tx.done.then(
      () => {
        if (this.#pending === settled) this.#pending = undefined
      },
      (cause: unknown) => {
        this.#fail(cause)
        if (this.#pending === settled) this.#pending = undefined
        throw this.#failed
      },
    )
    this.#pending = settled
  }

  #fail(cause: unknown): void {
    const quota = (cause as { name?: string } | undefined)?.name === 'QuotaExceededError'
    this.#failed ??= new PersistError(
      quota ? 'quota' : 'io',
      `cannot write group ${this.#ns} to IndexedDB: ${String(cause)}`,
      { cause },
    )
  }
}

/** How long a tab waits for the store's lock: a reloaded page's predecessor may still be unloading. */
const LOCK_WAIT_MS = 1_500

/**
 * Takes the Web Lock `name`, waiting up to `LOCK_WAIT_MS` for a tab that holds it; returns
 * its release, or undefined when another tab keeps it. Without the Web Locks API (old
 * browsers) nothing is locked.
 */
async function webLock(name: string): Promise<(() => void) | undefined> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (!locks) return () => {}
  return new Promise((resolve) => {
    locks
      .request(name, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, (lock) => {
        if (!lock) {
          resolve(undefined)
          return undefined
        }
        return new Promise<void>((release) => resolve(release))
      })
      .catch(() => resolve(undefined))
  })
}
