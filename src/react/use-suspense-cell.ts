import type { CellInput, CellState, UseCellOptions } from './types.js'
import { useCellReader } from './use-cell-reader.js'

/**
 * `useCellReader(cell, { ...options, suspense: true })`: suspends (to the nearest
 * `<Suspense>`) until the cell is first online and caught up with its group, then returns.
 * A cell that has been online never suspends again, so remounts show no loader. If the cell
 * closes first (network stopped) the `CellError` goes to the nearest error boundary.
 *
 * ```tsx
 * <Suspense fallback={<Spinner />}><Config /></Suspense>
 * function Config() { const { value } = useSuspenseCell(ConfigCell); return <pre>{JSON.stringify(value)}</pre> }
 * ```
 */
export function useSuspenseCell<T>(cell: CellInput<T>, options?: Omit<UseCellOptions<T>, 'suspense'>): CellState<T> {
  return useCellReader(cell, { ...options, suspense: true })
}
