import { type IdLike, UniqueId } from '../core/id.js'
import type { PeerEntry } from '../network/types.js'

/**
 * A condition on the active links of a producer or consumer (mosaik `ChannelConditions`):
 * at least `minimumOf(n)` links (default 1) whose peer carries every tag of `withTags` and
 * satisfies every `withPredicate`; `unmet()` inverts it. Builders return a new condition.
 *
 * A condition is awaitable: `await cond` resolves as soon as it holds (at once if it holds
 * now) and rejects with `ClosedError` if its producer or consumer closes first.
 *
 * ```ts
 * await producer.when.subscribed().minimumOf(2).withTags('validator')
 * if (consumer.when.subscribed().isConditionMet()) …
 * ```
 */
/** What a condition reads of a link: the remote peer's entry. */
export interface ConditionLink {
  readonly peer: PeerEntry
}

/** The live list of links a condition watches (a `Watch` of them). */
export interface ConditionSource {
  get(): readonly ConditionLink[]
  waitFor(
    predicate: (links: readonly ConditionLink[]) => boolean,
    opts: { what: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<unknown>
}

export class ChannelConditions implements PromiseLike<undefined> {
  readonly #links: ConditionSource
  readonly #min: number
  readonly #tags: readonly string[]
  readonly #predicates: ReadonlyArray<(peer: PeerEntry) => boolean>
  readonly #inverse: boolean
  readonly #what: string

  constructor(
    links: ConditionSource,
    what: string,
    init: {
      min?: number
      tags?: readonly string[]
      predicates?: ReadonlyArray<(peer: PeerEntry) => boolean>
      inverse?: boolean
    } = {},
  ) {
    this.#links = links
    this.#what = what
    this.#min = init.min ?? 1
    this.#tags = init.tags ?? []
    this.#predicates = init.predicates ?? []
    this.#inverse = init.inverse ?? false
  }

  /** At least `n` matching links (mosaik `minimum_of`). */
  minimumOf(n: number): ChannelConditions {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`minimumOf expects a count ≥ 0, got ${n}`)
    return this.#with({ min: n })
  }

  /** Alias of `minimumOf` (mosaik's consumer `to_at_least`). */
  toAtLeast(n: number): ChannelConditions {
    return this.minimumOf(n)
  }

  /** Only links whose peer carries all of these tags count. */
  withTags(...tags: Array<IdLike | readonly IdLike[]>): ChannelConditions {
    const hex = tags.flat().map((t) => UniqueId.from(t as IdLike).toString())
    return this.#with({ tags: [...this.#tags, ...hex] })
  }

  /** Only links whose peer entry satisfies `predicate` count. */
  withPredicate(predicate: (peer: PeerEntry) => boolean): ChannelConditions {
    return this.#with({ predicates: [...this.#predicates, predicate] })
  }

  /** The inverse condition. */
  unmet(): ChannelConditions {
    return this.#with({ inverse: !this.#inverse })
  }

  /** Links that count towards the condition now. */
  matching(): ConditionLink[] {
    return this.#links.get().filter((l) => this.#matches(l.peer))
  }

  isConditionMet(): boolean {
    return this.#holds(this.#links.get())
  }

  /** Resolves once the condition holds; rejects with `ClosedError` when the owner closes. */
  wait(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<undefined> {
    return this.#links.waitFor((links) => this.#holds(links), { what: this.#describe(), ...opts }).then(() => undefined)
  }

  // biome-ignore lint/suspicious/noThenProperty: conditions are awaitable on purpose, as mosaik's futures.
  then<A = undefined, B = never>(
    onfulfilled?: ((value: undefined) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.wait().then(onfulfilled, onrejected)
  }

  #holds(links: readonly ConditionLink[]): boolean {
    let n = 0
    for (const l of links) if (this.#matches(l.peer)) n++
    return n >= this.#min !== this.#inverse
  }

  #matches(peer: PeerEntry): boolean {
    for (const t of this.#tags) if (!peer.tags.includes(t)) return false
    for (const p of this.#predicates) {
      try {
        if (!p(peer)) return false
      } catch {
        return false
      }
    }
    return true
  }

  #describe(): string {
    const parts = [`${this.#what}: at least ${this.#min} link(s)`]
    if (this.#tags.length) parts.push(`tagged ${this.#tags.map((t) => t.slice(0, 10)).join('+')}`)
    if (this.#predicates.length) parts.push(`matching ${this.#predicates.length} predicate(s)`)
    return this.#inverse ? `not (${parts.join(', ')})` : parts.join(', ')
  }

  #with(change: {
    min?: number
    tags?: readonly string[]
    predicates?: ReadonlyArray<(peer: PeerEntry) => boolean>
    inverse?: boolean
  }): ChannelConditions {
    return new ChannelConditions(this.#links, this.#what, {
      min: change.min ?? this.#min,
      tags: change.tags ?? this.#tags,
      predicates: change.predicates ?? this.#predicates,
      inverse: change.inverse ?? this.#inverse,
    })
  }
}
