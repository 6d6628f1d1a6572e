import type { SetDef } from '../collections/set.js'
import type { IdLike } from '../core/id.js'
import type { SetState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionReader } from './use-collection.js'

/**
 * Reads a replicated set: `value` (an immutable view with `has`, `size`, iteration),
 * `size`, `version`, `status` … Tracked like `useCellReader`.
 *
 * ```tsx
 * const { value: online } = useSetReader(Members)
 * return <p>{online.size} here{online.has(me) ? ', you included' : ''}</p>
 * ```
 */
export function useSetReader<T>(set: IdLike | SetDef<T>, options?: UseCollectionOptions): SetState<T> {
  return useCollectionReader<SetState<T>>('useSetReader', 'set', set, options)
}
