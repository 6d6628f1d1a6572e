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
    if (same && !sortedHas(known, b.peer)) same = false
  }
  if (same && up.length === known.length) return known
  return up.sort()
}

/** Whether sorted `list` holds `x` (a binary search: a large group recomputes this after every drain). */
function sortedHas(list: readonly PeerId[], x: PeerId): boolean {
  let lo = 0
  let hi = list.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const v = list[mid] as PeerId
    if (v === x) return true
    if (v < x) lo = mid + 1
    else hi = mid - 1
  }
  return false
}
