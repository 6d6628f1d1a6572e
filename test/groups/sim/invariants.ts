import type { Entry, NodeId, RaftCore, Ready, Term } from '../../../src/groups/raft/index.js'

/** A broken safety property: the message names it and the evidence. */
export class Violation extends Error {
  override readonly name = 'Violation'
}

export interface InvariantOptions {
  /** Strict mode: commits never move back, leader completeness, global state-machine safety. */
  readonly strict: boolean
  /** Check at most one leader per term (strict mode, or default mode without partitions). */
  readonly oneLeaderPerTerm: boolean
}

/** What a replica has applied, by index (no-ops included as ''). */
export type AppliedHistory = (string | undefined)[]

/**
 * The safety properties of Raft (Figure 3) adapted to mosaik's modes, checked on every `Ready`:
 * - election safety: at most one leader per term (strict; default without partitions);
 * - log matching: one `(index, term, leader)` names one command everywhere, and logs that agree
 *   on an entry agree on everything before it (checked pairwise by `checkLogs`);
 * - state-machine safety: no two replicas apply different commands at one index (strict: ever;
 *   default: only among histories not rolled back by `reverted`);
 * - the commit index moves back only through an emitted `reverted` (default) and never (strict);
 * - leader completeness (strict): a new leader holds every entry committed before its election.
 */
export class Invariants {
  readonly #options: InvariantOptions
  readonly #leaders = new Map<Term, NodeId>()
  readonly #entries = new Map<string, string>()
  /** Strict mode: what was committed at each index, as first applied anywhere. */
  readonly #committed = new Map<number, { term: Term; leader: NodeId | undefined; command: string }>()
  readonly #commits = new Map<NodeId, number>()
  reverts = 0

  constructor(options: InvariantOptions) {
    this.#options = options
  }

  /** A restart with everything lost starts the member's commit over. */
  forget(id: NodeId): void {
    this.#commits.delete(id)
  }

  /** Check one Ready of `id` before the driver acts on it. */
  onReady(id: NodeId, raft: RaftCore<string>, ready: Ready<string>): void {
    for (const entry of ready.entries) this.#entry(id, entry)
    if (ready.hardState) this.#commit(id, ready.hardState.commit, ready.reverted)
    if (ready.reverted !== undefined) {
      if (this.#options.strict) throw new Violation(`${id} reverted to ${ready.reverted} in strict mode`)
      this.reverts++
    }
    for (const entry of ready.committed) this.#applied(id, entry)
    if (ready.softState?.role === 'leader') this.#leader(id, ready.softState.term, raft)
  }

  #entry(id: NodeId, entry: Entry<string>): void {
    const key = `${entry.index}:${entry.term}:${entry.leader ?? ''}`
    const seen = this.#entries.get(key)
    if (seen === undefined) this.#entries.set(key, entry.command)
    else if (seen !== entry.command) {
      throw new Violation(
        `log matching: ${id} has ${JSON.stringify(entry.command)} at ${key}, another has ${JSON.stringify(seen)}`,
      )
    }
  }

  #commit(id: NodeId, commit: number, reverted: number | undefined): void {
    const before = this.#commits.get(id) ?? 0
    this.#commits.set(id, commit)
    if (commit >= before) return
    if (this.#options.strict) throw new Violation(`${id} moved commit back from ${before} to ${commit} in strict mode`)
    if (reverted === undefined || reverted > commit) {
      throw new Violation(`${id} moved commit back from ${before} to ${commit} without reverted (got ${reverted})`)
    }
  }

  #applied(id: NodeId, entry: Entry<string>): void {
    if (!this.#options.strict) return
    const known = this.#committed.get(entry.index)
    if (!known) {
      this.#committed.set(entry.index, { term: entry.term, leader: entry.leader, command: entry.command })
    } else if (known.command !== entry.command || known.term !== entry.term) {
      throw new Violation(
        `state-machine safety: ${id} applied ${JSON.stringify(entry.command)}@${entry.term} at ${entry.index}, ` +
          `another applied ${JSON.stringify(known.command)}@${known.term}`,
      )
    }
  }

  #leader(id: NodeId, term: Term, raft: RaftCore<string>): void {
    if (this.#options.oneLeaderPerTerm) {
      const other = this.#leaders.get(term)
      if (other !== undefined && other !== id)
        throw new Violation(`election safety: ${other} and ${id} both lead term ${term}`)
      this.#leaders.set(term, id)
    }
    if (!this.#options.strict) return
    const status = raft.status()
    for (const [index, entry] of this.#committed) {
      if (index < status.firstIndex) continue
      const mine = raft.entries(index, index)[0]
      if (!mine || mine.term !== entry.term || mine.command !== entry.command) {
        throw new Violation(`leader completeness: ${id} leads term ${term} without committed entry ${index}`)
      }
    }
  }

  /** Log matching, pairwise: where two logs share an entry they share the whole prefix held by both. */
  checkLogs(logs: ReadonlyMap<NodeId, RaftCore<string>>): void {
    const views = [...logs].map(([id, raft]) => {
      const status = raft.status()
      return { id, first: status.firstIndex, entries: raft.entries(status.firstIndex, status.lastIndex) }
    })
    for (const [i, a] of views.entries()) {
      for (const b of views.slice(i + 1)) {
        const from = Math.max(a.first, b.first)
        const at = (v: typeof a, index: number) => v.entries[index - v.first]
        let last = Math.min(a.first + a.entries.length, b.first + b.entries.length) - 1
        while (last >= from && !same(at(a, last), at(b, last))) last--
        for (let index = from; index < last; index++) {
          if (!same(at(a, index), at(b, index))) {
            const show = (e: Entry<string> | undefined) =>
              e ? `${e.term}/${e.leader}/${JSON.stringify(e.command)}` : 'none'
            throw new Violation(
              `log matching: ${a.id} and ${b.id} agree at ${last} (${show(at(a, last))}) but differ at ${index}: ` +
                `${show(at(a, index))} vs ${show(at(b, index))}`,
            )
          }
        }
      }
    }
  }
}

function same(a: Entry<string> | undefined, b: Entry<string> | undefined): boolean {
  return !!a && !!b && a.term === b.term && a.command === b.command && a.leader === b.leader
}
