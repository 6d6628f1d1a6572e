import type { OnceDef, OnceWriter } from '../collections/once.js'
import type { IdLike } from '../core/id.js'
import type { OnceState, OnceWriterState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionWriter } from './use-collection.js'

type Actions<T> = Omit<OnceWriterState<T>, keyof OnceState<T> | 'pending' | 'pendingValue'>

/** Reads and writes a write-once register: `useOnceReader`'s state plus `write` / `set` (only the first commit wins). */
export function useOnceWriter<T>(once: IdLike | OnceDef<T>, options?: UseCollectionOptions): OnceWriterState<T> {
  return useCollectionWriter<OnceWriterState<T>, OnceWriter<T>, Actions<T>>(
    'useOnceWriter',
    'once',
    once,
    options,
    (track) => {
      const write = (value: T) => track(value, (w) => w.write(value))
      return { write, set: write }
    },
  )
}
