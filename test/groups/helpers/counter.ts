import { UniqueId } from '../../../src/core/id.js'
import type { ApplyContext, Snapshot, StateMachine } from '../../../src/groups/types.js'

/** A counter per key: `{ k, by }` adds `by` to key `k`. Snapshot items are `[key, count]`. */
export type CounterCmd = { readonly k: string; readonly by: number }
export type CounterQuery = 'total' | 'keys'
export type CounterItem = [string, number]

/** The test state machine: deterministic, snapshot-capable, counts how often it was fed. */
export class Counter implements StateMachine<CounterCmd, CounterQuery, number, CounterItem> {
  readonly #counts = new Map<string, number>()
  #total = 0
  applied = 0
  installs = 0
  readonly preference: 'normal' | 'observer'

  constructor(preference: 'normal' | 'observer' = 'normal') {
    this.preference = preference
  }

  signature(): UniqueId {
    return UniqueId.from('test.groups.counter.v1')
  }

  leadershipPreference() {
    return this.preference
  }

  apply(c: CounterCmd, _ctx: ApplyContext): void {
    this.#counts.set(c.k, (this.#counts.get(c.k) ?? 0) + c.by)
    this.#total += c.by
    this.applied++
  }

  query(q: CounterQuery): number {
    return q === 'total' ? this.#total : this.#counts.size
  }

  createSnapshot(): Snapshot<CounterItem> {
    const items = [...this.#counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))
    return { length: items.length, range: (s, e) => items.slice(s, e) }
  }

  installSnapshot(items: readonly CounterItem[]): void {
    this.installs++
    this.#counts.clear()
    this.#total = 0
    for (const [k, v] of items) {
      this.#counts.set(k, v)
      this.#total += v
    }
  }
}
