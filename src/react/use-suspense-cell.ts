import type { CellInput, CellState, UseSuspenseCellOptions } from './types.js'
import { useCellReader } from './use-cell-reader.js'

/**
 * `useCellReader(cell, { ...options, suspense: true })`: suspends (to the nearest
 * `<Suspense>`) until the cell is first online and caught up with its group, then returns.
 * A cell that has been online never suspends again, so remounts show no loader.
 *
 * It never waits forever: the nearest error boundary gets a `CellError` of kind `offline`
 * with `reason` `no-writer` once the cell reports that no writer is reachable (a bounded
 * time, see `CellState.noWriter`), or `timeout` after `options.timeout` ms; and the close
 * error (`network-down`) if the network stops first.
 *
 * ```tsx
 * <ErrorBoundary fallback={<p>Config unavailable</p>}>
 *   <Suspense fallback={<Spinner />}><Config /></Suspense>
 * </ErrorBoundary>
 * function Config() { const { value } = useSuspenseCell(ConfigCell, { timeout: 5_000 }); return <pre>{JSON.stringify(value)}</pre> }
 * ```
 */
export function useSuspenseCell<T>(cell: CellInput<T>, options?: UseSuspenseCellOptions<T>): CellState<T> {
  const { timeout, ...rest } = options ?? {}
  return useCellReader(cell, {
    ...rest,
    suspense: true,
    ...(timeout !== undefined && { suspenseTimeout: timeout }),
  })
}
