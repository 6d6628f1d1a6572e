import { Cell } from '../collections/index.js'
import type { CellOptions, CellReader } from '../collections/types.js'
import { UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import type { CellRole } from '../observe/cell-entry.js'
import { stableKey } from './stable-key.js'
import type { CellDefLike, CellInput, UseCellOptions } from './types.js'

/** A hook's cell argument, normalised: a key for sharing handles and a way to open one. */
export interface ResolvedCell<T> {
  /** Store id plus option content; equal for every component that may share a handle. */
  readonly key: string
  open(network: Network, role: CellRole): CellReader<T>
}

/** Splits React-only options from cell options; `undefined` when no cell option is set. */
function cellOptionsOf<T>(options: UseCellOptions<T> | undefined): CellOptions<T> | undefined {
  if (!options) return undefined
  const { suspense: _suspense, suspenseTimeout: _timeout, ...rest } = options
  for (const k of Object.keys(rest) as (keyof CellOptions<T>)[]) if (rest[k] === undefined) delete rest[k]
  return Object.keys(rest).length > 0 ? rest : undefined
}

/** `stableKey` with "no options" and "empty options" alike, so `'id'` and `('id', {})` share a handle. */
function optionsKey(options: object | undefined): string {
  const key = stableKey(options)
  return key === '{}' ? 'u' : key
}

function isDef<T>(cell: CellInput<T>): cell is CellDefLike<T> {
  return typeof cell === 'object' && !(cell instanceof UniqueId)
}

/**
 * Normalises a store id or a `defineCell` definition plus hook options. A definition opens
 * through its own `writer`/`reader`; hook cell options, if any, are merged over its options.
 */
export function resolveCell<T>(cell: CellInput<T>, options: UseCellOptions<T> | undefined): ResolvedCell<T> {
  const extra = cellOptionsOf(options)
  if (isDef(cell)) {
    const storeId = cell.storeId.toString()
    if (!extra) {
      return {
        key: `${storeId}|${optionsKey(cell.options)}`,
        open: (network, role) => (role === 'writer' ? cell.writer(network) : cell.reader(network)),
      }
    }
    const merged: CellOptions<T> = { ...cell.options, ...extra }
    return {
      key: `${storeId}|${optionsKey(merged)}`,
      open: (network, role) =>
        role === 'writer'
          ? Cell.writer<T>(network, cell.storeId, merged)
          : Cell.reader<T>(network, cell.storeId, merged),
    }
  }
  const storeId = UniqueId.from(cell)
  return {
    key: `${storeId.toString()}|${optionsKey(extra)}`,
    open: (network, role) =>
      role === 'writer' ? Cell.writer<T>(network, storeId, extra) : Cell.reader<T>(network, storeId, extra),
  }
}
