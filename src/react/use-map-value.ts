import type { MapDef, MapReader } from '../collections/map.js'
import type { IdLike } from '../core/id.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionSelection } from './use-collection.js'

/**
 * One key of a replicated map: its value, or `undefined` when absent. Re-renders only when
 * that key's value changes (an entry keeps its identity until it is written), whatever
 * happens to the other keys: a board of a thousand cards re-renders one card per edit.
 * Shares the reader handle of `useMapReader` on the same map.
 *
 * ```tsx
 * function CardView({ id }: { id: string }) {
 *   const card = useMapValue(Board, id)
 *   return <p>{card?.title}</p>
 * }
 * ```
 */
export function useMapValue<K, V>(map: IdLike | MapDef<K, V>, key: K, options?: UseCollectionOptions): V | undefined {
  return useCollectionSelection<MapReader<K, V>, V | undefined>(
    'useMapValue',
    'map',
    map,
    (handle) => handle?.get(key),
    Object.is,
    options,
  )
}
