import { useContext, useSyncExternalStore } from 'react'
import { CellError } from '../core/errors.js'
import type { CellEntry, CellEntryState, CellRole } from '../observe/cell-entry.js'
import { cellRegistry } from '../observe/handle-registry.js'
import { missingProvider, NetworkContext, type NetworkContextValue } from './context.js'
import { resolveCell } from './resolve-cell.js'
import type { CellInput, UseCellOptions } from './types.js'

/** The state of a cell before there is a network to read it from (starting, or server rendering). */
export const CONNECTING: CellEntryState<never> = Object.freeze({
  value: undefined,
  version: 0,
  online: false,
  leader: undefined,
  role: 'follower',
  noWriter: false,
  status: 'connecting',
  error: undefined,
  pending: 0,
  pendingValue: undefined,
})

/** `useSyncExternalStore` callbacks for "no network yet". Module constants: stable identity. */
export const noSubscribe = (): (() => void) => () => {}
export const getConnecting = (): CellEntryState<never> => CONNECTING
const no = (): boolean => false
const yes = (): boolean => true

export interface CellEntryBinding<T> {
  readonly context: NetworkContextValue
  /** The shared entry, or `undefined` while the network starts (or on the server). */
  readonly entry: CellEntry<T> | undefined
  /** Server rendering or hydrating: nothing is opened and nothing suspends. */
  readonly serverOrHydrating: boolean
}

/**
 * The shared entry of `cell` on the provider's network, for the role. Does not subscribe:
 * each hook subscribes with its own snapshot selection, which is what retains the handle.
 */
export function useCellEntry<T>(
  hook: string,
  cell: CellInput<T>,
  options: UseCellOptions<T> | undefined,
  role: CellRole,
): CellEntryBinding<T> {
  const context = useContext(NetworkContext)
  if (!context) throw missingProvider(hook)
  // True while server rendering and hydrating: then no handle is opened and the state is
  // `connecting`, exactly as on the server; the render after hydration opens the handle.
  const serverOrHydrating = useSyncExternalStore(noSubscribe, no, yes)
  const network = context.network
  if (!network || serverOrHydrating) return { context, entry: undefined, serverOrHydrating }
  const resolved = resolveCell(cell, options)
  const entry = cellRegistry(network).acquire(
    role,
    resolved.key,
    () => resolved.open(network, role),
    context.gracePeriod,
  )
  return { context, entry, serverOrHydrating }
}

/**
 * Suspense: throws (a promise) until the cell was first online, and the close error if it
 * closed first. Never throws for a cell that has been online, so there is no loader flash.
 * Never suspends on the server (streaming renders would wait forever) or while hydrating.
 */
export function suspendUntilOnline<T>(binding: CellEntryBinding<T>, timeoutMs?: number): void {
  const { context, entry } = binding
  if (binding.serverOrHydrating) return
  if (!entry) throw context.ready()
  const state = entry.getState()
  if (state.status === 'connecting') {
    if (state.noWriter) throw noWriterError()
    const timedOut = timeoutMs === undefined ? undefined : entry.suspenseTimeout(timeoutMs)
    if (timedOut) throw timedOut
    throw entry.whenOnline()
  }
  if (state.status === 'closed' && state.error) throw state.error
}

function noWriterError(): CellError<undefined> {
  return new CellError(
    'offline',
    'offline: no writer reachable: this peer is a reader and no member that could lead is bonded',
    undefined,
    { reason: 'no-writer' },
  )
}
