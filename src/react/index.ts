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
 *
 * `cell` is a store id (`'app.counter'`, 64-hex or `UniqueId`) or a `defineCell` definition.
 * Components on the same cell share one handle per network and role; it closes a grace
 * period (default 1 s) after the last of them unmounts. Write functions return the
 * handle's promise: handle its rejection (`CellError`).
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
export { type CellRegistryStats, cellHandleStats, DEFAULT_GRACE_PERIOD } from './cell-registry.js'
export {
  type AdoptNetworkProps,
  NetworkProvider,
  type NetworkProviderProps,
  type OwnNetworkProps,
} from './network-provider.js'
export { type NetworkSlotState, NetworkStartError } from './network-slot.js'
export type {
  CellDefLike,
  CellInput,
  CellState,
  CellStatus,
  CellWriterState,
  UpdateOptions,
  UseCellOptions,
} from './types.js'
export { useCellReader } from './use-cell-reader.js'
export { useCellValue } from './use-cell-value.js'
export { useCellWriter } from './use-cell-writer.js'
export { useNetwork } from './use-network.js'
export { useOptionalNetwork } from './use-optional-network.js'
export { useSuspenseCell } from './use-suspense-cell.js'
