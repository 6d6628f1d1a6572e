import type { LogCommand } from '../../../../src/groups/log-command.js'
import type { Entry, HardState, LogIndex, Term } from '../../../../src/groups/raft/types.js'
import { MemoryStorage, type PersistedState, type Storage } from '../../../../src/groups/storage.js'
import { type ApplyObserver, GENESIS, INITIAL, type RegisterItem } from './sim-register.js'

interface Applied {
  readonly parent: string
  readonly index: number
  readonly value: string
}

/**
 * Safety checks over what the real driver does, observed from outside it: through the state
 * machine (what each replica applies and installs) and through storage (what each member logs).
 * - log matching: one `(index, term, leader)` names one command in every member's log;
 * - state-machine safety (strict): one history per index, ever;
 * - an installed snapshot is a state some replica really applied, at the index it claims;
 * - election safety (strict): one leader per term;
 * - acknowledged writes: kept in the final history unless a `reverted` explains the loss (default),
 *   always (strict);
 * - weak reads return a value some client wrote.
 */
export class DriverChecks implements ApplyObserver {
  readonly strict: boolean
  readonly #digests = new Map<string, Applied>([[GENESIS, { parent: '', index: 0, value: INITIAL }]])
  readonly #byIndex = new Map<number, string>()
  readonly #entries = new Map<string, string>()
  /** Entry key -> the key of the entry before it, as first logged anywhere. */
  readonly #links = new Map<string, string>()
  readonly #leaders = new Map<number, string>()
  /** Per replica (incarnation name): the digest after each index it applied itself. */
  readonly #history = new Map<string, Map<number, string>>()
  readonly written = new Set<string>([INITIAL])
  readonly acks: { node: string; index: number; digest: string; at: number }[] = []
  readonly reverts: { node: string; at: number; version: number }[] = []
  installs = 0
  /** Snapshot installs by late joiners (incarnations named `sim-late-…`). */
  lateInstalls = 0
  applies = 0
  acksUnchecked = 0
  /** The first broken property. Recorded, not thrown: the driver catches what its callbacks throw. */
  failure: string | undefined
  /** Receives one line per apply and install (replays of one seed). */
  trace: ((line: string) => void) | undefined

  fail(message: string): void {
    this.failure ??= `Violation: ${message}`
  }

  constructor(strict: boolean) {
    this.strict = strict
  }

  applied(
    node: string,
    index: number,
    term: number,
    command: string,
    parent: string,
    digest: string,
    value: string,
  ): void {
    this.applies++
    this.trace?.(`${node} apply ${index}@${term} ${command} ${parent}->${digest}`)
    if (!this.#digests.has(parent)) this.fail(`${node} applied index ${index} on a state nobody reached (${parent})`)
    this.#digests.set(digest, { parent, index, value })
    this.#historyOf(node).set(index, digest)
    if (!this.strict) return
    const known = this.#byIndex.get(index)
    if (known === undefined) this.#byIndex.set(index, digest)
    else if (known !== digest)
      this.fail(
        `state-machine safety: ${node} applied ${JSON.stringify(command)}@${term} at ${index} on another history`,
      )
  }

  installed(node: string, item: RegisterItem): void {
    this.installs++
    if (node.startsWith('sim-late-')) this.lateInstalls++
    this.trace?.(`${node} install ${item.index} ${item.value} ${item.digest}`)
    const known = this.#digests.get(item.digest)
    if (!known || known.index !== item.index || known.value !== item.value)
      this.fail(`${node} installed a snapshot no replica applied: value ${JSON.stringify(item.value)} at ${item.index}`)
    this.#historyOf(node).clear()
  }

  leader(node: string, term: number): void {
    if (!this.strict) return
    const other = this.#leaders.get(term)
    if (other !== undefined && other !== node) this.fail(`election safety: ${other} and ${node} both lead term ${term}`)
    this.#leaders.set(term, node)
  }

  reverted(node: string, at: number, version: number): void {
    if (this.strict) this.fail(`${node} reverted to ${version} in strict mode`)
    this.reverts.push({ node, at, version })
  }

  /** `node` acknowledged a write at `index` (its execute resolved) at virtual time `at`. */
  ack(node: string, index: number, at: number): void {
    const digest = this.#history.get(node)?.get(index)
    if (digest === undefined) this.acksUnchecked++
    else this.acks.push({ node, index, digest, at })
  }

  weakRead(node: string, value: unknown): void {
    if (typeof value !== 'string' || !this.written.has(value))
      this.fail(`${node} read ${JSON.stringify(value)}, a value no client wrote`)
  }

  /**
   * After convergence on `digest`: every acknowledged write is in its history. Default mode may
   * lose one (a minority's commit), but only if the replica that acknowledged it reported
   * `reverted` below it afterwards, or did not live to (crashed or left before the end).
   */
  checkAcks(digest: string, live: ReadonlySet<string>): number {
    const kept = new Set<string>()
    for (let d: string | undefined = digest; d; d = this.#digests.get(d)?.parent) kept.add(d)
    let lost = 0
    for (const a of this.acks) {
      if (kept.has(a.digest)) continue
      const explained =
        !live.has(a.node) || this.reverts.some((r) => r.node === a.node && r.at >= a.at && r.version < a.index)
      if (this.strict || !explained) {
        this.fail(`acknowledged write at ${a.index} (by ${a.node}) is not in the final history`)
        return lost
      }
      lost++
    }
    return lost
  }

  /**
   * A storage that logs like `MemoryStorage` and checks log matching on every append. A restart
   * from it models a durable store: it keeps the state machine's state (checkpoints), and after
   * `compact`, `load()` names the compaction point as the snapshot point (a bare `MemoryStorage`
   * forgets that point, and a member restarted from it applies later entries on an empty state).
   */
  storage(node: string, inner: MemoryStorage = new MemoryStorage()): Storage & { inner: MemoryStorage } {
    const entries = this.#entries
    const fail = (m: string) => this.fail(m)
    const links = this.#links
    // This store's log as keys by index, to check that an entry always follows the same one.
    const mirror = mirrors.get(inner) ?? new Map<number, string>()
    mirrors.set(inner, mirror)
    return {
      inner,
      // The store's own restore: `MemoryStorage` keeps the compaction point itself.
      load: () => inner.load(),
      // As a durable store: the state machine's state is kept with the log (checkpoints).
      loadState: () => states.get(inner),
      wantsCheckpoint: () => true,
      checkpoint: (state: PersistedState) => states.set(inner, state),
      saveHardState: (s: HardState) => inner.saveHardState(s),
      truncateFrom: (i: LogIndex) => {
        this.trace?.(`${node} truncate from ${i}`)
        for (const k of [...mirror.keys()]) if (k >= i) mirror.delete(k)
        dropStaleState(inner, i)
        inner.truncateFrom(i)
      },
      saveSnapshot: (i: LogIndex, t: Term, leader?: string) => {
        // The log restarts after the snapshot: what preceded it is no longer known here.
        for (const k of [...mirror.keys()]) if (k <= i) mirror.delete(k)
        inner.saveSnapshot(i, t, leader)
      },
      compact: (i: LogIndex) => inner.compact(i),
      append: (es: readonly Entry<unknown>[]) => {
        this.trace?.(`${node} log ${es.map((e) => `${e.index}:${e.term}:${e.leader ?? '?'}`).join(' ')}`)
        for (const e of es) {
          const key = `${e.index}:${e.term}:${e.leader ?? ''}`
          const command = describe(e.command as LogCommand)
          const seen = entries.get(key)
          if (seen === undefined) entries.set(key, command)
          else if (seen !== command) fail(`log matching: ${node} logs ${command} at ${key}, another ${seen}`)
          // Log matching, prefix half: logs that share an entry share the one before it.
          for (const k of [...mirror.keys()]) if (k >= e.index) mirror.delete(k)
          const prev = mirror.get(e.index - 1)
          mirror.set(e.index, key)
          if (prev === undefined) continue
          const known = links.get(key)
          if (known === undefined) links.set(key, prev)
          else if (known !== prev)
            fail(`log matching: ${node} logs ${key} after ${prev}, another log has it after ${known}`)
        }
        if (es[0]) dropStaleState(inner, es[0].index)
        inner.append(es)
      },
    }
  }

  #historyOf(node: string): Map<number, string> {
    let h = this.#history.get(node)
    if (!h) {
      h = new Map()
      this.#history.set(node, h)
    }
    return h
  }
}

/** Each store's log as entry keys by index. */
const mirrors = new WeakMap<MemoryStorage, Map<number, string>>()
/** The state machine's state each store keeps (its last checkpoint). */
const states = new WeakMap<MemoryStorage, PersistedState>()

/**
 * Entries from `index` on are cut or overwritten: a kept state that applied them no longer
 * holds, and a restart must not come back with it (as `DurableStorage` drops it).
 */
function dropStaleState(inner: MemoryStorage, index: LogIndex): void {
  const state = states.get(inner)
  if (state && state.index >= index) states.delete(inner)
}

function describe(c: LogCommand): string {
  if (c.t === 'cmd') return `cmd:${Buffer.from(c.b).toString('hex')}:${c.o ?? ''}`
  if (c.t === 'snap') return `snap:${c.by}`
  return 'noop'
}
