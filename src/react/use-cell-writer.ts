import { useRef, useState } from 'react'
import { CellError } from '../core/errors.js'
import type { Version } from '../core/id.js'
import type { CellEntry } from '../observe/cell-entry.js'
import type { CellInput, CellWriterState, UpdateOptions, UseCellOptions } from './types.js'
import { suspendUntilOnline, useCellEntry } from './use-cell-entry.js'
import { useIsomorphicLayoutEffect, useTrackedState, WRITER_KEYS } from './use-tracked-state.js'

type Actions<T> = Pick<CellWriterState<T>, 'write' | 'set' | 'compareExchange' | 'clear' | 'update'>

function notStarted<T>(value: T | undefined): Promise<Version> {
  return Promise.reject(
    new CellError('offline', 'the network is still starting; write once the cell status is "online"', value),
  )
}

/** Functions made once per component; they act on the handle the component last committed with. */
function writerActions<T>(current: () => CellEntry<T> | undefined): Actions<T> {
  const write = (value: T) => current()?.write(value) ?? notStarted(value)
  return {
    write,
    set: write,
    compareExchange: (expected, next) => current()?.compareExchange(expected, next) ?? notStarted(next),
    clear: () => current()?.clear() ?? notStarted(undefined),
    update: (fn: (value: T | undefined) => T | undefined, options?: UpdateOptions) =>
      current()?.update(fn, options) ?? notStarted(undefined),
  }
}

/**
 * Reads and writes a replicated cell. Everything `useCellReader` gives, plus `write`/`set`,
 * `compareExchange`, `clear`, `update(fn)` (a bounded compare-exchange retry loop) and the
 * mutation state `pending` / `pendingValue` for optimistic UI. Every component on the same
 * cell and options shares one writer handle (a voting member of the cell's group).
 *
 * The functions keep their identity for the component's lifetime. Each returns the
 * handle's promise: it resolves with the committed version or rejects with a `CellError`
 * (`offline`, `encoding`, `invalid`, `network-down`) that the caller must handle; the hook
 * only records it in `error`. Tracked like `useCellReader`: a component that only calls
 * `write` never re-renders because of the cell.
 *
 * ```tsx
 * const counter = useCellWriter<number>('counter')
 * <button disabled={!counter.online} onClick={() => counter.update((n) => (n ?? 0) + 1)}>
 *   {counter.pendingValue ?? counter.value ?? 0}
 * </button>
 * ```
 */
export function useCellWriter<T>(cell: CellInput<T>, options?: UseCellOptions<T>): CellWriterState<T> {
  const binding = useCellEntry('useCellWriter', cell, options, 'writer')
  const latest = useRef(binding.entry)
  useIsomorphicLayoutEffect(() => {
    latest.current = binding.entry
  })
  const [actions] = useState(() => writerActions<T>(() => latest.current))
  const state = useTrackedState<CellWriterState<T>>(binding.entry, WRITER_KEYS, actions)
  if (options?.suspense) suspendUntilOnline(binding, options.suspenseTimeout)
  return state
}
