import { useCallback, useMemo, useState } from 'react'
import type { CellEntry, CellEntryState } from './cell-entry.js'
import { getConnecting, noSubscribe } from './use-cell-entry.js'
import { useSelectedSnapshot } from './use-selected-snapshot.js'

type StateKey = keyof CellEntryState<unknown>

/** What `useCellReader` exposes. */
export const READER_KEYS: readonly StateKey[] = ['value', 'version', 'online', 'leader', 'role', 'status', 'error']
/** What `useCellWriter` exposes besides its functions. */
export const WRITER_KEYS: readonly StateKey[] = [...READER_KEYS, 'pending', 'pendingValue']

const identity = <V>(v: V): V => v

/**
 * The entry's state as an object whose fields record being read (TanStack Query's tracked
 * results): the component re-renders only when a field it has read changed. Reading a field
 * for the first time in a later render starts tracking it from then on. The object keeps its
 * identity while no tracked field changed; `extras` (functions) are copied on untracked.
 */
export function useTrackedState<T, R>(
  entry: CellEntry<T> | undefined,
  keys: readonly StateKey[],
  extras: object | undefined,
): R {
  const [tracked] = useState(() => new Set<StateKey>())
  const isEqual = useCallback(
    (a: CellEntryState<T>, b: CellEntryState<T>): boolean => {
      // A closed entry is always news: the next render picks a fresh handle (or shows `closed`).
      if (b.status === 'closed' && a.status !== 'closed') return false
      for (const k of tracked) if (!Object.is(a[k], b[k])) return false
      return true
    },
    [tracked],
  )
  const state = useSelectedSnapshot<CellEntryState<T>, CellEntryState<T>>(
    entry?.subscribe ?? noSubscribe,
    entry?.getState ?? getConnecting,
    getConnecting,
    identity,
    isEqual,
  )
  return useMemo(() => trackingView(state, keys, tracked, extras) as R, [state, keys, tracked, extras])
}

function trackingView<T>(
  state: CellEntryState<T>,
  keys: readonly StateKey[],
  tracked: Set<StateKey>,
  extras: object | undefined,
): object {
  const view: Record<string, unknown> = {}
  for (const key of keys) {
    Object.defineProperty(view, key, {
      enumerable: true,
      get() {
        tracked.add(key)
        return state[key]
      },
    })
  }
  if (extras) Object.assign(view, extras)
  return Object.freeze(view)
}
