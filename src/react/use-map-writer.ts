import type { MapDef, MapWriter } from '../collections/map.js'
import type { IdLike } from '../core/id.js'
import type { MapState, MapWriterState } from './collection-state.js'
import type { UseCollectionOptions } from './resolve-collection.js'
import { useCollectionWriter } from './use-collection.js'

type Actions<K, V> = Omit<MapWriterState<K, V>, keyof MapState<K, V> | 'pending' | 'pendingValue'>

/**
 * Reads and writes a replicated map: everything `useMapReader` gives plus `insert`,
 * `extend`, `remove`, `removeMany`, `clear`, `compareExchange`, `update(key, fn)` (a
 * compare-exchange loop on one key) and `pending` / `pendingValue`. The functions keep
 * their identity; each returns the handle's promise (reject: `CellError`).
 *
 * ```tsx
 * const board = useMapWriter(Board)
 * <button onClick={() => board.update(id, (c) => c && { ...c, votes: c.votes + 1 })}>+1</button>
 * ```
 */
export function useMapWriter<K, V>(map: IdLike | MapDef<K, V>, options?: UseCollectionOptions): MapWriterState<K, V> {
  return useCollectionWriter<MapWriterState<K, V>, MapWriter<K, V>, Actions<K, V>>(
    'useMapWriter',
    'map',
    map,
    options,
    (track) => ({
      insert: (key, value) => track([key, value], (w) => w.insert(key, value)),
      extend: (entries) => {
        const list = [...entries]
        return track(list, (w) => w.extend(list))
      },
      remove: (key) => track(key, (w) => w.remove(key)),
      removeMany: (keys) => {
        const list = [...keys]
        return track(list, (w) => w.removeMany(list))
      },
      clear: () => track(undefined, (w) => w.clear()),
      compareExchange: (key, expected, next) =>
        track([key, expected, next], (w) => w.compareExchange(key, expected, next)),
      update: (key, fn, opts) => track(key, (w) => w.update(key, fn, opts)),
    }),
  )
}
