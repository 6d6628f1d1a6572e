import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { CellEntryState } from '../observe/cell-entry.js'
import type { BaseSnapshot, EntryState } from '../observe/handle-entry.js'
import { getConnecting, noSubscribe } from './use-cell-entry.js'

type StateKey = keyof CellEntryState<unknown>
/** What a tracked hook reads: any observer entry (`subscribe` + `getState`). */
export interface TrackedSource {
  subscribe(listener: () => void): () => void
  getState(): object
}
/** Any entry's state: the keys a hook tracks are strings of it. */
type AnyState = EntryState<BaseSnapshot> & Record<string, unknown>

/** What `useCellReader` exposes. */
export const READER_KEYS: readonly StateKey[] = [
  'value',
  'version',
  'online',
  'leader',
  'role',
  'noWriter',
  'status',
  'error',
]
/** What `useCellWriter` exposes besides its functions. */
export const WRITER_KEYS: readonly StateKey[] = [...READER_KEYS, 'pending', 'pendingValue']

// Layout effects do not run on the server; React 18 warns about them there.
export const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect

/**
 * The entry's state as an object whose fields record being read (TanStack Query's tracked
 * results): the component is told about a change only when a field it has read changed.
 *
 * - Every render shows the latest state; filtering happens in the subscription, so an
 *   untracked change costs no render but is not hidden from the next one.
 * - A field read for the first time (in a later render, or in an event handler holding an
 *   older object) returns the live value and is tracked from then on: code like
 *   `onClick={() => write(state.value + 1)}` never sees a value older than the store's.
 * - The object keeps its identity across renders while the state did not change.
 * - `extras` (functions) are copied on and not tracked.
 */
export function useTrackedState<R>(
  entry: TrackedSource | undefined,
  keys: readonly string[],
  extras: object | undefined,
  connecting: () => AnyState = getConnecting as unknown as () => AnyState,
): R {
  const [tracked] = useState(() => new Set<string>())
  const getState = (entry?.getState ?? connecting) as () => AnyState
  const shown = useRef<AnyState | undefined>(undefined)
  const subscribe = useCallback(
    (listener: () => void): (() => void) => {
      if (!entry) return noSubscribe()
      return entry.subscribe(() => {
        const before = shown.current
        const next = entry.getState() as AnyState
        if (!before || changed(before, next, tracked)) listener()
      })
    },
    [entry, tracked],
  )
  const state = useSyncExternalStore<AnyState>(subscribe, getState, connecting)
  useIsomorphicLayoutEffect(() => {
    shown.current = state
  })
  // The view keeps its identity while no field the component read changed (nor the entry
  // or the functions), so it is safe in effect dependencies: `useEffect(f, [w])` re-runs
  // only when something `w` showed this component changed.
  const last = useRef<{ view: R; state: AnyState; getState: unknown; extras: unknown } | undefined>(undefined)
  const previous = last.current
  if (
    previous &&
    previous.getState === getState &&
    previous.extras === extras &&
    (previous.state === state || !changed(previous.state, state, tracked))
  ) {
    return previous.view
  }
  const view = trackingView(state, getState, keys, tracked, extras) as R
  last.current = { view, state, getState, extras }
  return view
}

function changed(a: AnyState, b: AnyState, tracked: ReadonlySet<string>): boolean {
  // A closed entry is always news: the next render picks a fresh handle (or shows `closed`).
  if (b.status === 'closed' && a.status !== 'closed') return true
  for (const k of tracked) if (!Object.is(a[k], b[k])) return true
  return false
}

function trackingView(
  state: AnyState,
  live: () => AnyState,
  keys: readonly string[],
  tracked: Set<string>,
  extras: object | undefined,
): object {
  const view: Record<string, unknown> = {}
  for (const key of keys) {
    Object.defineProperty(view, key, {
      enumerable: true,
      get() {
        if (tracked.has(key)) return state[key]
        tracked.add(key)
        return live()[key]
      },
    })
  }
  if (extras) Object.assign(view, extras)
  return Object.freeze(view)
}
