import { useContext, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { CollectionKind, CollectionReader, CollectionSnapshot } from '../collections/collection-types.js'
import { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'
import { acquireCollection, type CollectionEntry, EMPTY } from '../observe/collection-entry.js'
import type { EntryState, HandleRole } from '../observe/handle-entry.js'
import { handleRegistry } from '../observe/handle-registry.js'
import { missingProvider, NetworkContext } from './context.js'
import { type CollectionInput, resolveCollection, type UseCollectionOptions } from './resolve-collection.js'
import { noSubscribe } from './use-cell-entry.js'
import { useSelectedSnapshot } from './use-selected-snapshot.js'
import { useIsomorphicLayoutEffect, useTrackedState } from './use-tracked-state.js'

/** What the collection reader hooks expose (tracked: a component re-renders only for the fields it read). */
export const COLLECTION_READER_KEYS = [
  'value',
  'size',
  'version',
  'online',
  'leader',
  'role',
  'status',
  'error',
] as const
/** What the writer hooks expose besides their functions. */
export const COLLECTION_WRITER_KEYS = [...COLLECTION_READER_KEYS, 'pending', 'pendingValue'] as const

const no = (): boolean => false
const yes = (): boolean => true

type Entry<S extends CollectionSnapshot> = CollectionEntry<S, CollectionReader<S>>

/** The entry of a collection on the provider's network for a role; `undefined` while starting, on the server and while hydrating. */
export function useCollectionEntry<S extends CollectionSnapshot>(
  hook: string,
  kind: CollectionKind,
  input: CollectionInput,
  options: UseCollectionOptions | undefined,
  role: HandleRole,
): { entry: Entry<S> | undefined; serverOrHydrating: boolean; ready: () => Promise<unknown> } {
  const context = useContext(NetworkContext)
  if (!context) throw missingProvider(hook)
  const serverOrHydrating = useSyncExternalStore(noSubscribe, no, yes)
  const network = context.network
  if (!network || serverOrHydrating) return { entry: undefined, serverOrHydrating, ready: context.ready }
  const resolved = resolveCollection<CollectionReader<S>>(kind, input, options)
  const entry = acquireCollection(
    handleRegistry(network),
    kind,
    role,
    resolved.key,
    () => resolved.open(network, role) as never,
    context.gracePeriod,
  ) as unknown as Entry<S>
  return { entry, serverOrHydrating, ready: context.ready }
}

/** Suspense for collection hooks: as the cell hooks, until first online; never on the server. */
function suspendUntilOnline(binding: ReturnType<typeof useCollectionEntry>): void {
  if (binding.serverOrHydrating) return
  const entry = binding.entry
  if (!entry) throw binding.ready()
  const state = entry.getState()
  if (state.status === 'connecting') throw entry.whenOnline()
  if (state.status === 'closed' && state.error) throw state.error
}

/** The state of a `kind` collection before there is a handle (connecting). */
function connectingOf(kind: CollectionKind): () => EntryState<CollectionSnapshot> & Record<string, unknown> {
  const state = Object.freeze({
    ...EMPTY[kind],
    status: 'connecting',
    error: undefined,
    pending: 0,
    pendingValue: undefined,
  }) as unknown as EntryState<CollectionSnapshot> & Record<string, unknown>
  return () => state
}
const CONNECTING = Object.fromEntries(
  (['map', 'vec', 'set', 'once', 'pq'] as const).map((k) => [k, connectingOf(k)]),
) as Record<CollectionKind, ReturnType<typeof connectingOf>>

/** A reader hook: the tracked state of a shared reader handle. */
export function useCollectionReader<R>(
  hook: string,
  kind: CollectionKind,
  input: CollectionInput,
  options?: UseCollectionOptions,
): R {
  const binding = useCollectionEntry(hook, kind, input, options, 'reader')
  const state = useTrackedState<R>(binding.entry, COLLECTION_READER_KEYS, undefined, CONNECTING[kind])
  if (options?.suspense) suspendUntilOnline(binding)
  return state
}

/** Runs `write` on the writer handle of the entry the component last committed with; rejects `offline` before the network started. */
export type Track<W> = <V>(value: V, write: (writer: W) => Promise<Version>) => Promise<Version>

/**
 * A writer hook: the tracked state of a shared writer handle plus `actions(track)`, made
 * once per component (functions keep their identity) and acting on the latest entry.
 */
export function useCollectionWriter<R, W, A extends object>(
  hook: string,
  kind: CollectionKind,
  input: CollectionInput,
  options: UseCollectionOptions | undefined,
  actions: (track: Track<W>) => A,
): R & A {
  const binding = useCollectionEntry(hook, kind, input, options, 'writer')
  const latest = useRef(binding.entry)
  useIsomorphicLayoutEffect(() => {
    latest.current = binding.entry
  })
  const [made] = useState(() =>
    actions(<V>(value: V, write: (writer: W) => Promise<Version>) => {
      const entry = latest.current
      if (!entry)
        return Promise.reject(
          new CellError('offline', 'the network is still starting; write once the status is "online"', value),
        )
      return entry.track(value, (h) => write(h as unknown as W))
    }),
  )
  const state = useTrackedState<R & A>(binding.entry, COLLECTION_WRITER_KEYS, made, CONNECTING[kind])
  if (options?.suspense) suspendUntilOnline(binding)
  return state
}

/**
 * A selection from a collection's reader handle, recomputed when the replica changes and
 * re-rendering only when it changed under `isEqual`: `select(handle)` reads live (a key, an
 * index), and an entry whose value object kept its identity costs no render.
 */
export function useCollectionSelection<H, S>(
  hook: string,
  kind: CollectionKind,
  input: CollectionInput,
  select: (handle: H | undefined) => S,
  isEqual: (a: S, b: S) => boolean = Object.is,
  options?: UseCollectionOptions,
): S {
  const binding = useCollectionEntry(hook, kind, input, options, 'reader')
  const entry = binding.entry
  const getState = useMemo(() => entry?.getState ?? CONNECTING[kind], [entry, kind])
  const selected = useSelectedSnapshot(
    entry?.subscribe ?? noSubscribe,
    getState,
    CONNECTING[kind],
    () => select(entry && !entry.closed ? (entry.handle as H | undefined) : undefined),
    isEqual,
  )
  if (options?.suspense) suspendUntilOnline(binding)
  return selected
}
