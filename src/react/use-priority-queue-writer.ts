import type { PriorityQueueDef, PriorityQueueWriter } from '../collections/pq.js'
import type { IdLike } from '../core/id.js'
import type { PriorityQueueState, PriorityQueueWriterState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionWriter } from './use-collection.js'

type Actions<P, K, V> = Omit<
  PriorityQueueWriterState<P, K, V>,
  keyof PriorityQueueState<P, K, V> | 'pending' | 'pendingValue'
>

/**
 * Reads and writes a replicated priority queue: `usePriorityQueueReader`'s state plus
 * `insert`, `extend`, `updatePriority`, `updateValue`, `compareExchangeValue`, `remove`,
 * `removeKeys`, `removeRange`, `clear`.
 */
export function usePriorityQueueWriter<P, K, V>(
  queue: IdLike | PriorityQueueDef<P, K, V>,
  options?: UseCollectionOptions,
): PriorityQueueWriterState<P, K, V> {
  return useCollectionWriter<PriorityQueueWriterState<P, K, V>, PriorityQueueWriter<P, K, V>, Actions<P, K, V>>(
    'usePriorityQueueWriter',
    'pq',
    queue,
    options,
    (track) => ({
      insert: (p, k, v) => track([p, k, v], (w) => w.insert(p, k, v)),
      extend: (entries) => {
        const list = [...entries]
        return track(list, (w) => w.extend(list))
      },
      updatePriority: (k, p) => track([k, p], (w) => w.updatePriority(k, p)),
      updateValue: (k, v) => track([k, v], (w) => w.updateValue(k, v)),
      compareExchangeValue: (k, e, n) => track([k, e, n], (w) => w.compareExchangeValue(k, e, n)),
      remove: (k) => track(k, (w) => w.remove(k)),
      removeKeys: (keys) => {
        const list = [...keys]
        return track(list, (w) => w.removeKeys(list))
      },
      removeRange: (range) => track(range, (w) => w.removeRange(range)),
      clear: () => track(undefined, (w) => w.clear()),
    }),
  )
}
