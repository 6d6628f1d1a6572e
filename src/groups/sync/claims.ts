import type { PeerId, Version } from '../../core/id.js'

/** A bonded peer's claim of how far it applied (`welcome`, pings and pongs carry it). */
export interface PositionClaim {
  readonly peer: PeerId
  readonly applied: Version
}

/**
 * Where to pull the state from before standing, from peers' claims of how far they applied.
 * A claim is a peer's own word, so it never decides alone: the target is the highest position
 * a strict majority of the claiming peers reach (one peer that claims 2^50 among honest ones
 * claiming 15 yields 15), and the sources are the peers that claim exactly that position (a
 * pull session then accepts offers at that position only). Undefined when the target is not
 * past `mine`. With a single claimant its claim is the target: a lone peer could equally win
 * an election and write in an open group (see README "Threat model").
 */
export function corroboratedAhead(
  mine: Version,
  claims: readonly PositionClaim[],
): { peers: PeerId[]; applied: Version } | undefined {
  if (claims.length === 0) return undefined
  const sorted = claims.map((c) => c.applied).sort((a, b) => b - a)
  // The ⌈(n+1)/2⌉-th highest: a strict majority of the claimants claims at least this.
  const target = sorted[Math.floor(claims.length / 2)] as number
  if (target <= mine) return undefined
  const peers = claims.filter((c) => c.applied === target).map((c) => c.peer)
  return { peers, applied: target }
}
