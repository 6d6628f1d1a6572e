import type { Version } from '../../core/id.js'

/**
 * One run of a history: consecutive entries written by one leader incarnation (`Entry.leader`
 * tag) in one term, ending at `last` (it starts after the previous run's `last`).
 */
export type LineageRun = readonly [leader: string, term: number, last: Version]

/** A bounded view of a history: what wrote each index in `(from, last run's last]`. */
export interface LineageView {
  /** Nothing is known at or below this index. */
  readonly from: Version
  readonly runs: readonly LineageRun[]
}

/** Runs kept: leader changes further back are forgotten (`from` moves up). */
export const LINEAGE_RUNS = 64

/**
 * Who wrote the applied history, run by run (default mode: two leaders of one term write
 * different entries at the same index, told apart by their tags). Two histories that hold the
 * same (term, tag) at an index hold the same entries up to it (log matching), so comparing a
 * fetched snapshot's lineage with ours tells which of our applied entries the install rolls
 * back: the driver reports them `reverted` instead of losing them silently.
 */
export class Lineage {
  #from: Version
  #runs: [string, number, Version][] = []

  constructor(from: Version = 0) {
    this.#from = from
  }

  /** Highest index known (the applied point it follows). */
  get last(): Version {
    return this.#runs[this.#runs.length - 1]?.[2] ?? this.#from
  }

  /** An entry was applied at `index`. An untagged entry, or one that does not follow, restarts the view there. */
  note(index: Version, term: number, leader: string | undefined): void {
    if (index <= this.last) this.trim(index - 1)
    if (leader === undefined || index !== this.last + 1) {
      this.reset({ from: index, runs: [] })
      return
    }
    const tail = this.#runs[this.#runs.length - 1]
    if (tail && tail[0] === leader && tail[1] === term) tail[2] = index
    else this.#runs.push([leader, term, index])
    if (this.#runs.length > LINEAGE_RUNS) this.#from = (this.#runs.shift() as LineageRun)[2]
  }

  /** Forget everything after `index` (a revert). */
  trim(index: Version): void {
    if (index <= this.#from) {
      this.reset({ from: index, runs: [] })
      return
    }
    while (this.#runs.length > 0 && (this.#runs[this.#runs.length - 2]?.[2] ?? this.#from) >= index) this.#runs.pop()
    const tail = this.#runs[this.#runs.length - 1]
    if (tail && tail[2] > index) tail[2] = index
  }

  /** Start over from a view (an installed snapshot's). */
  reset(view: LineageView): void {
    this.#from = view.from
    this.#runs = view.runs.map((r) => [r[0], r[1], r[2]])
  }

  /** The view up to `index` (what a snapshot at `index` offers), or undefined when `index` is not known. */
  upTo(index: Version): LineageView | undefined {
    if (index > this.last || index < this.#from) return undefined
    const copy = new Lineage(this.#from)
    copy.reset(this.view())
    copy.trim(index)
    return copy.view()
  }

  view(): LineageView {
    return { from: this.#from, runs: this.#runs.map((r) => [r[0], r[1], r[2]] as const) }
  }
}

/** `[term, tag]` of the entry at `index` in `view`, or undefined when the view does not know it. */
function writerAt(view: LineageView, index: Version): string | undefined {
  if (index <= view.from) return undefined
  for (const [leader, term, last] of view.runs) if (index <= last) return `${term}:${leader}`
  return undefined
}

function lastOf(view: LineageView): Version {
  return view.runs[view.runs.length - 1]?.[2] ?? view.from
}

/**
 * Installing a snapshot whose history is `theirs` over our applied history `ours`: the highest
 * index up to which ours is kept, when the install rolls back entries of ours; undefined when
 * it keeps all of them (entries of ours past the snapshot are the core's to keep or revert).
 * What the views cannot tell counts as rolled back: a rollback is reported, never missed.
 */
export function rolledBack(ours: LineageView, theirs: LineageView | undefined): Version | undefined {
  const mine = lastOf(ours)
  if (mine <= ours.from) return undefined
  if (!theirs) return ours.from
  const top = Math.min(mine, lastOf(theirs))
  const same = (i: Version) => {
    const a = writerAt(ours, i)
    return a !== undefined && a === writerAt(theirs, i)
  }
  if (same(top)) return undefined
  // The same entry at an index means the same history below it: the highest such index by bisection.
  let lo = Math.max(ours.from, theirs.from) + 1
  let hi = top - 1
  let found = ours.from
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (same(mid)) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}
