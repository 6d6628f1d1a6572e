import { useMemo } from 'react'
import type { CellEntryState } from '../observe/cell-entry.js'
import type { CellInput, UseCellOptions } from './types.js'
import { getConnecting, noSubscribe, suspendUntilOnline, useCellEntry } from './use-cell-entry.js'
import { useSelectedSnapshot } from './use-selected-snapshot.js'

const CLOSED = Symbol('closed')

/**
 * A slice of a cell's value, zustand style: re-renders only when `selector(value)` changes
 * under `isEqual` (default `Object.is`), whatever else changed (version, leader, other fields
 * of the value). `selector` and `isEqual` may be inline functions. Shares the reader handle
 * of `useCellReader` on the same cell.
 *
 * ```tsx
 * const theme = useCellValue(Settings, (s) => s?.theme ?? 'light')
 * const ids = useCellValue(Board, (b) => b?.cards.map((c) => c.id) ?? [], shallowEqual)
 * ```
 */
export function useCellValue<T, S>(
  cell: CellInput<T>,
  selector: (value: T | undefined) => S,
  isEqual: (a: S, b: S) => boolean = Object.is,
  options?: UseCellOptions<T>,
): S {
  const binding = useCellEntry('useCellValue', cell, options, 'reader')
  const entry = binding.entry
  // A closed handle selects a marker, so the component re-renders and picks a fresh handle.
  const select = (state: CellEntryState<T>): S | typeof CLOSED =>
    entry?.evicted && state.status === 'closed' ? CLOSED : selector(state.value)
  const equal = (a: S | typeof CLOSED, b: S | typeof CLOSED): boolean =>
    a === CLOSED || b === CLOSED ? a === b : isEqual(a, b)
  const getState = useMemo(() => entry?.getState ?? getConnecting, [entry])
  const selected = useSelectedSnapshot(entry?.subscribe ?? noSubscribe, getState, getConnecting, select, equal)
  if (options?.suspense) suspendUntilOnline(binding)
  return selected === CLOSED ? selector(undefined) : selected
}
