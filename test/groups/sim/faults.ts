import type { NodeId } from '../../../src/groups/raft/index.js'
import type { Network } from './network.js'
import type { Random } from './rng.js'

export type PartitionKind = 'minority' | 'majority' | 'leader' | 'bridge' | 'oneway' | 'heal'

export const partitionKinds: readonly PartitionKind[] = [
  'minority',
  'majority',
  'leader',
  'bridge',
  'oneway',
  'heal',
  'heal',
]

/**
 * Re-cut the network: a random minority or majority side, the current leader alone, a bridge
 * (two sides only one member reaches), a few one-way links, or no cut at all.
 */
export function partition(
  kind: PartitionKind,
  random: Random,
  network: Network,
  ids: readonly NodeId[],
  leader: NodeId | undefined,
): void {
  network.healLinks()
  const shuffled = random.shuffle([...ids])
  const split = (side: Set<NodeId>) => {
    for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b)) network.cut(a, b)
  }
  switch (kind) {
    case 'minority':
      split(new Set(shuffled.slice(0, random.int(1, Math.floor((ids.length - 1) / 2)))))
      return
    case 'majority':
      split(new Set(shuffled.slice(0, Math.floor(ids.length / 2) + 1)))
      return
    case 'leader':
      split(new Set([leader ?? random.pick(ids)]))
      return
    case 'bridge': {
      const [bridge, ...rest] = shuffled
      const left = new Set(rest.slice(0, Math.floor(rest.length / 2)))
      for (const a of rest) for (const b of rest) if (a !== bridge && left.has(a) !== left.has(b)) network.cut(a, b)
      return
    }
    case 'oneway':
      for (let i = 0; i < random.int(1, ids.length); i++) network.cut(random.pick(ids), random.pick(ids))
      return
    case 'heal':
      return
  }
}
