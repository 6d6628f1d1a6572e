import type { CollectionKind, CollectionReader, CollectionSnapshot } from '../collections/collection-types.js'
import type { MapSnapshot } from '../collections/map.js'
import { MapView } from '../collections/map-machine.js'
import type { OnceSnapshot } from '../collections/once.js'
import type { PriorityQueueSnapshot } from '../collections/pq.js'
import type { SetSnapshot } from '../collections/set.js'
import { SetView } from '../collections/set-machine.js'
import type { VecSnapshot } from '../collections/vec.js'
import type { EntryHooks, EntryState, HandleRole } from './handle-entry.js'
import { HandleEntry } from './handle-entry.js'
import type { HandleRegistry } from './handle-registry.js'

/** The snapshot type of each collection kind. */
export interface SnapshotOf<A = unknown, B = unknown, C = unknown> {
  map: MapSnapshot<A, B>
  vec: VecSnapshot<A>
  set: SetSnapshot<A>
  once: OnceSnapshot<A>
  pq: PriorityQueueSnapshot<A, B, C>
}

const base: CollectionSnapshot = { version: 0, online: false, leader: undefined, role: 'follower', size: 0 }

/** What a replica of each kind shows before its handle opens: empty, offline, version 0. */
export const EMPTY: { readonly [K in CollectionKind]: SnapshotOf[K] } = Object.freeze({
  map: Object.freeze({ ...base, value: new MapView(new Map()) }),
  vec: Object.freeze({ ...base, value: Object.freeze([]) }),
  set: Object.freeze({ ...base, value: new SetView(new Map()) }),
  once: Object.freeze({ ...base, value: undefined }),
  pq: Object.freeze({ ...base, value: Object.freeze([]) }),
})

/** A shared handle of any collection but Cell; its writes go through `track` (see `HandleEntry`). */
export class CollectionEntry<S extends CollectionSnapshot, H extends CollectionReader<S>> extends HandleEntry<S, H> {}

/** The published state of a collection entry. */
export type CollectionEntryState<S extends CollectionSnapshot> = EntryState<S>

/**
 * The entry of a `kind` collection for `(role, key)` on a registry, opening the handle with
 * `open` if there is none. A handle that cannot open (stopped network, bad options) gives an
 * entry that is closed from the start, whose `error` says why.
 */
export function acquireCollection<K extends CollectionKind, S extends SnapshotOf[K], H extends CollectionReader<S>>(
  registry: HandleRegistry,
  kind: K,
  role: HandleRole,
  key: string,
  open: () => H,
  gracePeriod: number,
): CollectionEntry<S, H> {
  const id = `${kind}|${role}|${key}`
  const empty = EMPTY[kind] as unknown as S
  const make = (hooks: EntryHooks, handle: H | undefined, failure?: unknown) =>
    new CollectionEntry<S, H>(id, role, handle, hooks, empty, failure)
  return registry.acquireEntry(id, gracePeriod, (hooks, stopped) => {
    if (stopped) return make(hooks, undefined, stopped) as never
    try {
      return make(hooks, open()) as never
    } catch (err) {
      return make(hooks, undefined, err) as never
    }
  }) as unknown as CollectionEntry<S, H>
}
