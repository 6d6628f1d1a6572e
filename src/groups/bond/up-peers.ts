import type { PeerId } from '../../core/id.js'

/**
 * The peers of `bonds` whose bond is up, sorted. Returns `known` itself when it holds exactly
 * that set: the member recomputes its state after every drain, and the set rarely changes, so
 * no array is built or sorted then. Callers must not change the array they get.
 */
export function upPeers(bonds: Iterable<{ readonly isUp: boolean; readonly peer: PeerId }>, known: PeerId[]): PeerId[] {
  const up: PeerId[] = []
  let same = true
  for (const b of bonds) {
    if (!b.isUp) continue
    up.push(b.peer)
    if (same && !known.includes(b.peer)) same = false
  }
  if (same && up.length === known.length) return known
  return up.sort()
}
