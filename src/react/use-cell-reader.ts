import type { CellInput, CellState, UseCellOptions } from './types.js'
import { suspendUntilOnline, useCellEntry } from './use-cell-entry.js'
import { READER_KEYS, useTrackedState } from './use-tracked-state.js'

/**
 * Reads a replicated cell: its value, version and where it stands (`status`, `online`,
 * `leader`, `role`, `error`). Every component on the same cell and options shares one reader
 * handle (an observer member: it never votes or leads).
 *
 * Re-renders only when a field the component has read changed: a component that reads only
 * `value` ignores version, leader and status changes. Every render shows the latest state,
 * and a field first read in an event handler returns the live value. The returned object
 * keeps its identity across renders while the cell's state did not change.
 *
 * With `{ suspense: true }` it suspends until the cell is first online and caught up (see
 * `useSuspenseCell`). Before the network is started and during server rendering it returns
 * the `connecting` state.
 *
 * ```tsx
 * const { value, status } = useCellReader<number>('counter')
 * ```
 */
export function useCellReader<T>(cell: CellInput<T>, options?: UseCellOptions<T>): CellState<T> {
  const binding = useCellEntry('useCellReader', cell, options, 'reader')
  const state = useTrackedState<CellState<T>>(binding.entry, READER_KEYS, undefined)
  if (options?.suspense) suspendUntilOnline(binding, options.suspenseTimeout)
  return state
}
