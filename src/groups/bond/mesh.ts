import type { PeerId } from '../../core/id.js'

/** Bonds one peer may claim for itself (`welcome.bonds`, `bondFormed`); more are ignored. */
export const MAX_CLAIMS_PER_PEER = 256
/** Edges kept in all: one peer's claims cannot grow the mesh past this. */
export const MAX_EDGES = 8_192

/**
 * The bond topology as far as one member knows: its own bonds plus what other members
 * told (`welcome.bonds`, `bondFormed`). Edges are unordered pairs kept as `a < b`.
 */
export class Mesh {
  readonly #self: PeerId
  readonly #edges = new Map<string, readonly [PeerId, PeerId]>()
  readonly #changed: (a: PeerId, b: PeerId, up: boolean) => void
  /** Edges each peer told us of (its own bonds), so its claims stay bounded. */
  readonly #claims = new Map<PeerId, number>()

  constructor(self: PeerId, changed: (a: PeerId, b: PeerId, up: boolean) => void) {
    this.#self = self
    this.#changed = changed
  }

  local(peer: PeerId, up: boolean): void {
    this.#set(this.#self, peer, up)
  }

  /** `from` reported a bond with `peer` up or down. */
  remote(from: PeerId, peer: PeerId, up: boolean): void {
    if (peer === this.#self || peer === from) return
    const n = this.#claims.get(from) ?? 0
    if (up && (n >= MAX_CLAIMS_PER_PEER || this.#edges.size >= MAX_EDGES)) return
    if (this.#set(from, peer, up)) this.#claims.set(from, Math.max(0, n + (up ? 1 : -1)))
  }

  /** `from` listed its bonds when ours formed. */
  learn(from: PeerId, peers: readonly PeerId[]): void {
    for (const p of peers) this.remote(from, p, true)
  }

  /** Drop what `peer` told us (we no longer hear from it). */
  forget(peer: PeerId): void {
    for (const [k, [a, b]] of [...this.#edges]) {
      if ((a === peer || b === peer) && a !== this.#self && b !== this.#self) {
        this.#edges.delete(k)
        this.#changed(a, b, false)
      }
    }
    this.#claims.delete(peer)
  }

  edges(): ReadonlyArray<readonly [PeerId, PeerId]> {
    return [...this.#edges.values()]
  }

  /** True when the edge changed. */
  #set(x: PeerId, y: PeerId, up: boolean): boolean {
    if (x === y) return false
    const pair: readonly [PeerId, PeerId] = x < y ? [x, y] : [y, x]
    const key = `${pair[0]}|${pair[1]}`
    if (up === this.#edges.has(key)) return false
    if (up) this.#edges.set(key, pair)
    else this.#edges.delete(key)
    this.#changed(pair[0], pair[1], up)
    return true
  }
}
