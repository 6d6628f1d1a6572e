import type { MapDef } from '../collections/map.js'
import type { IdLike } from '../core/id.js'
import type { MapState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionReader } from './use-collection.js'

/**
 * Reads a replicated map: `value` (an immutable `ReadonlyMap` view at this version),
 * `size`, `version`, `status`, `online`, `leader`, `error`. Components on the same map
 * share one reader handle. Tracked: a component re-renders only when a field it read
 * changed (one that reads only `size` ignores value changes that keep the size). To follow
 * one key, `useMapValue(map, key)` re-renders only when that key's value changes.
 *
 * ```tsx
 * const { value, status } = useMapReader(Board)
 * return <ul>{[...value].map(([id, card]) => <Card key={id} card={card} />)}</ul>
 * ```
 */
export function useMapReader<K, V>(map: IdLike | MapDef<K, V>, options?: UseCollectionOptions): MapState<K, V> {
  return useCollectionReader<MapState<K, V>>('useMapReader', 'map', map, options)
}
