import type { OnceDef } from '../collections/once.js'
import type { IdLike } from '../core/id.js'
import type { OnceState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionReader } from './use-collection.js'

/**
 * Reads a write-once register: `value` (`undefined` until the first write commits),
 * `version`, `status` … With `{ suspense: true }` it suspends until the register is online.
 *
 * ```tsx
 * const { value: setup } = useOnceReader(Setup)
 * if (!setup) return <SetupForm />
 * ```
 */
export function useOnceReader<T>(once: IdLike | OnceDef<T>, options?: UseCollectionOptions): OnceState<T> {
  return useCollectionReader<OnceState<T>>('useOnceReader', 'once', once, options)
}
