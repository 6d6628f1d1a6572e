import type { PeerId } from '../../core/id.js'

/**
 * The bond topology as far as one member knows: its own bonds plus what other members
 * told (`welcome.bonds`, `bondFormed`). Edges are unordered pairs kept as `a < b`.
 */
export class Mesh {
  readonly #self: PeerId
  readonly #edges = new Map<string, readonly [PeerId, PeerId]>()
  readonly #changed: (a: PeerId, b: PeerId, up: boolean) => void

  constructor(self: PeerId, changed: (a: PeerId, b: PeerId, up: boolean) => void) {
    this.#self = self
    this.#changed = changed
  }

  local(peer: PeerId, up: boolean): void {
    this.#set(this.#self, peer, up)
  }

  /** `from` reported a bond with `peer` up or down. */
  remote(from: PeerId, peer: PeerId, up: boolean): void {
    if (peer === this.#self) return
    this.#set(from, peer, up)
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
  }

  edges(): ReadonlyArray<readonly [PeerId, PeerId]> {
    return [...this.#edges.values()]
  }

  #set(x: PeerId, y: PeerId, up: boolean): void {
    if (x === y) return
    const pair: readonly [PeerId, PeerId] = x < y ? [x, y] : [y, x]
    const key = `${pair[0]}|${pair[1]}`
    if (up === this.#edges.has(key)) return
    if (up) this.#edges.set(key, pair)
    else this.#edges.delete(key)
    this.#changed(pair[0], pair[1], up)
  }
}
