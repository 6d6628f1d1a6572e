import type { SetDef, SetWriter } from '../collections/set.js'
import type { IdLike } from '../core/id.js'
import type { SetState, SetWriterState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionWriter } from './use-collection.js'

type Actions<T> = Omit<SetWriterState<T>, keyof SetState<T> | 'pending' | 'pendingValue'>

/** Reads and writes a replicated set: `useSetReader`'s state plus `insert`, `extend`, `remove`, `removeMany`, `clear`. */
export function useSetWriter<T>(set: IdLike | SetDef<T>, options?: UseCollectionOptions): SetWriterState<T> {
  return useCollectionWriter<SetWriterState<T>, SetWriter<T>, Actions<T>>(
    'useSetWriter',
    'set',
    set,
    options,
    (track) => ({
      insert: (value) => track(value, (w) => w.insert(value)),
      extend: (values) => {
        const list = [...values]
        return track(list, (w) => w.extend(list))
      },
      remove: (value) => track(value, (w) => w.remove(value)),
      removeMany: (values) => {
        const list = [...values]
        return track(list, (w) => w.removeMany(list))
      },
      clear: () => track(undefined, (w) => w.clear()),
    }),
  )
}
