import type { Group, JoinOptions } from '../groups/types.js'
import type { Network } from '../network/network.js'

/**
 * Joins the group behind a collection through the public group API
 * (`network.groups.join`). Kept in one place so every collection joins the same way.
 */
export function joinCollectionGroup<C, Q, R, I>(network: Network, options: JoinOptions<C, Q, R, I>): Group<C, Q, R> {
  // TODO(issue 4): replace with the public accessor once src/groups exports it.
  const groups = (network as unknown as { groups: { join(o: JoinOptions<C, Q, R, I>): Group<C, Q, R> } }).groups
  return groups.join(options)
}
