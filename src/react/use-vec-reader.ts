import type { VecDef } from '../collections/vec.js'
import type { IdLike } from '../core/id.js'
import type { VecState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionReader } from './use-collection.js'

/**
 * Reads a replicated vector: `value` (the frozen list at this version), `size`, `version`,
 * `status` … Tracked like `useCellReader`. `useVecValue(vec, index)` follows one element.
 *
 * ```tsx
 * const { value: messages } = useVecReader(Chat)
 * ```
 */
export function useVecReader<T>(vec: IdLike | VecDef<T>, options?: UseCollectionOptions): VecState<T> {
  return useCollectionReader<VecState<T>>('useVecReader', 'vec', vec, options)
}
