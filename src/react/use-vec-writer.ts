import type { VecDef, VecWriter } from '../collections/vec.js'
import type { IdLike } from '../core/id.js'
import type { VecState, VecWriterState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionWriter } from './use-collection.js'

type Actions<T> = Omit<VecWriterState<T>, keyof VecState<T> | 'pending' | 'pendingValue'>

/**
 * Reads and writes a replicated vector: `useVecReader`'s state plus `pushBack`, `pushFront`,
 * `popBack`, `popFront`, `insert`, `extend`, `remove`, `swap`, `truncate`, `clear`.
 *
 * ```tsx
 * const chat = useVecWriter(Chat)
 * <form onSubmit={() => chat.pushBack({ from: me, text })}>…</form>
 * ```
 */
export function useVecWriter<T>(vec: IdLike | VecDef<T>, options?: UseCollectionOptions): VecWriterState<T> {
  return useCollectionWriter<VecWriterState<T>, VecWriter<T>, Actions<T>>(
    'useVecWriter',
    'vec',
    vec,
    options,
    (track) => ({
      pushBack: (value) => track(value, (w) => w.pushBack(value)),
      pushFront: (value) => track(value, (w) => w.pushFront(value)),
      popBack: () => track(undefined, (w) => w.popBack()),
      popFront: () => track(undefined, (w) => w.popFront()),
      insert: (index, value) => track([index, value], (w) => w.insert(index, value)),
      extend: (values) => {
        const list = [...values]
        return track(list, (w) => w.extend(list))
      },
      remove: (index) => track(index, (w) => w.remove(index)),
      swap: (i, j) => track([i, j], (w) => w.swap(i, j)),
      truncate: (len) => track(len, (w) => w.truncate(len)),
      clear: () => track(undefined, (w) => w.clear()),
    }),
  )
}
