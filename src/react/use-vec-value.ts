import type { VecDef, VecReader } from '../collections/vec.js'
import type { IdLike } from '../core/id.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionSelection } from './use-collection.js'

/**
 * One element of a replicated vector (`undefined` past the end). Re-renders only when the
 * element at `index` changes identity: a push elsewhere costs no render.
 */
export function useVecValue<T>(vec: IdLike | VecDef<T>, index: number, options?: UseCollectionOptions): T | undefined {
  return useCollectionSelection<VecReader<T>, T | undefined>(
    'useVecValue',
    'vec',
    vec,
    (handle) => handle?.get(index),
    Object.is,
    options,
  )
}
