/**
 * React bindings: a provider that owns (or adopts) a mosaik `Network`, and hooks that bind
 * replicated cells to components with `useSyncExternalStore`.
 *
 * | hook                                  | gives                                                  | re-renders when            |
 * |---------------------------------------|--------------------------------------------------------|----------------------------|
 * | `useNetwork()`                        | the `Network` (suspends while it starts)               | the network changes        |
 * | `useOptionalNetwork()`                | the `Network` or `undefined`; never throws             | the network changes        |
 * | `useCellReader(cell)`                 | `value`, `version`, `status`, `online`, `leader` …     | a field it read changed    |
 * | `useCellWriter(cell)`                 | the above + `write`, `update`, `pending`, `pendingValue` | a field it read changed  |
 * | `useCellValue(cell, selector, isEqual)` | `selector(value)`                                    | the selection changed      |
 * | `useSuspenseCell(cell)`               | like `useCellReader`, suspends until first online      | a field it read changed    |
 * | `usePresence(room, initial)`          | `self`, `others`, `update` (streams, no consensus)     | any presence changed       |
 * | `useOthers(room, selector, isEqual)`  | `selector(others)`                                     | the selection changed      |
 * | `useBroadcastEvent(room)`             | `broadcast(event)`                                     | never                      |
 * | `useEventListener(room, listener)`    | calls `listener(event, from)`                          | never                      |
 * | `useMapReader(map)` / `useMapWriter(map)` | `value` (a `ReadonlyMap`), `size` … / + `insert`, `update(key, fn)` … | a field it read changed |
 * | `useMapValue(map, key)`               | one key's value                                        | that key's value changed   |
 * | `useVecReader` / `useVecWriter` / `useVecValue(vec, i)` | the list / + `pushBack` … / one element | as above                |
 * | `useSetReader` / `useSetWriter`       | `value` (a read-only set view) / + `insert` …          | a field it read changed    |
 * | `useOnceReader` / `useOnceWriter`     | `value` (the first write) / + `write`                  | a field it read changed    |
 * | `usePriorityQueueReader` / `usePriorityQueueWriter` | entries by priority / + `insert` … | a field it read changed    |
 * | `useNetworkStatus()`                  | `status`, `peers`, `relays`, `reason` of the network   | connectivity changed       |
 *
 * `cell` is a store id (`'app.counter'`, 64-hex or `UniqueId`) or a `defineCell` definition.
 *
 * - Sharing: components on the same cell (and option content) share one handle per network
 *   and role; it closes a grace period (provider prop `gracePeriod`, default 1 s) after the
 *   last of them unmounts, so StrictMode and fast remounts do not rejoin the group.
 * - Rendering: the state objects record which fields a component reads (as TanStack Query's
 *   tracked results do) and re-render it only when one of those changed; each render shows
 *   the latest state, and the object keeps its identity while no field it read changed
 *   (safe in effect dependencies: `useEffect(() => { w.write(x) }, [w])` does not loop).
 *   Functions keep their identity for the component's lifetime.
 * - Errors: write functions return the handle's promise; handle its rejection (`CellError`).
 *   The last failed write also shows in `error` until the next success.
 * - Suspense: `useSuspenseCell` (or `{ suspense: true }`) suspends until the cell is first
 *   online; a cell that has been online never suspends again.
 * - Server rendering and hydration: nothing starts, no handle opens, nothing suspends; every
 *   hook reports `connecting`, then goes live after hydration.
 *
 * ```tsx
 * import { NetworkProvider, useCellReader, useCellWriter } from 'mosaik-react'
 *
 * function Counter() {
 *   const counter = useCellWriter<number>('demo.counter')
 *   return (
 *     <button disabled={!counter.online} onClick={() => counter.update((n) => (n ?? 0) + 1).catch(console.error)}>
 *       clicked {counter.pendingValue ?? counter.value ?? 0} times ({counter.status})
 *     </button>
 *   )
 * }
 *
 * export const App = () => (
 *   <NetworkProvider options={{ network: 'my-app' }} fallback={<p>starting…</p>}>
 *     <Counter />
 *   </NetworkProvider>
 * )
 * ```
 */
export { type CellRegistryStats, cellHandleStats, DEFAULT_GRACE_PERIOD } from '../observe/handle-registry.js'
export type {
  CollectionState,
  MapState,
  MapWriterState,
  OnceState,
  OnceWriterState,
  PendingWrites,
  PriorityQueueState,
  PriorityQueueWriterState,
  SetState,
  SetWriterState,
  VecState,
  VecWriterState,
} from './collection-state.js'
export {
  type AdoptNetworkProps,
  NetworkProvider,
  type NetworkProviderProps,
  type OwnNetworkProps,
} from './network-provider.js'
export { type NetworkSlotState, NetworkStartError } from './network-slot.js'
export type { CollectionDefLike, CollectionInput, UseCollectionOptions } from './resolve-collection.js'
export type {
  CellDefLike,
  CellInput,
  CellState,
  CellStatus,
  CellWriterState,
  UpdateOptions,
  UseCellOptions,
  UseSuspenseCellOptions,
} from './types.js'
export { useBroadcastEvent } from './use-broadcast-event.js'
export { useCellReader } from './use-cell-reader.js'
export { useCellValue } from './use-cell-value.js'
export { useCellWriter } from './use-cell-writer.js'
export { useEventListener } from './use-event-listener.js'
export { useMapReader } from './use-map-reader.js'
export { useMapValue } from './use-map-value.js'
export { useMapWriter } from './use-map-writer.js'
export { useNetwork } from './use-network.js'
export { useNetworkStatus } from './use-network-status.js'
export { useOnceReader } from './use-once-reader.js'
export { useOnceWriter } from './use-once-writer.js'
export { useOptionalNetwork } from './use-optional-network.js'
export { useOthers } from './use-others.js'
export { type PresenceState, usePresence } from './use-presence.js'
export { usePriorityQueueReader } from './use-priority-queue-reader.js'
export { usePriorityQueueWriter } from './use-priority-queue-writer.js'
export { useSetReader } from './use-set-reader.js'
export { useSetWriter } from './use-set-writer.js'
export { useSuspenseCell } from './use-suspense-cell.js'
export { useVecReader } from './use-vec-reader.js'
export { useVecValue } from './use-vec-value.js'
export { useVecWriter } from './use-vec-writer.js'
