import type { PriorityQueueDef } from '../collections/pq.js'
import type { IdLike } from '../core/id.js'
import type { PriorityQueueState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionReader } from './use-collection.js'

/**
 * Reads a replicated priority queue: `value` (entries `[priority, key, value]` by ascending
 * priority, frozen), `size`, `version`, `status` … Tracked like `useCellReader`.
 *
 * ```tsx
 * const { value: asks } = usePriorityQueueReader(Asks)
 * const best = asks[0]
 * ```
 */
export function usePriorityQueueReader<P, K, V>(
  queue: IdLike | PriorityQueueDef<P, K, V>,
  options?: UseCollectionOptions,
): PriorityQueueState<P, K, V> {
  return useCollectionReader<PriorityQueueState<P, K, V>>('usePriorityQueueReader', 'pq', queue, options)
}
