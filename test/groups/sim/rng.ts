/** mulberry32: a small, fast, seeded PRNG in [0, 1). Deterministic across platforms. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Helpers over one RNG stream so every random choice of a run comes from its seed. */
export class Random {
  readonly #next: () => number
  constructor(seed: number) {
    this.#next = seededRng(seed)
  }
  next(): number {
    return this.#next()
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#next() * (hi - lo + 1))
  }
  chance(p: number): boolean {
    return this.#next() < p
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#next() * items.length)]
    if (item === undefined) throw new Error('pick from empty list')
    return item
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.#next() * (i + 1))
      const a = items[i] as T
      items[i] = items[j] as T
      items[j] = a
    }
    return items
  }
}
