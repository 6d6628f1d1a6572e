/**
 * The React binding of the devtools store: a context, a provider that attaches networks
 * while mounted, and `useDevtoolsStore(selector)` on `useSyncExternalStore`.
 *
 * Which store a devtools component reads, in order: its `store` prop; a store fed by its
 * `network`/`networks` props; the enclosing `<DevtoolsProvider>` (or `<MosaikDevtools>`);
 * the shared store of the enclosing `NetworkProvider`'s network.
 */
import {
  type ComponentType,
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react'
import { useProviderNetwork } from './provider-network.js'
import type { DevtoolsState } from './state.js'
import { createDevtoolsStore, type DevtoolsStore, devtoolsStoreFor, type TelemetrySource } from './store.js'

const DevtoolsContext = createContext<DevtoolsStore | null>(null)

/** Where devtools read from. All optional: without them the enclosing provider is used. */
export interface DevtoolsSourceProps {
  /** An explicit store (tests, or sharing one store between separate panels). */
  store?: DevtoolsStore
  /** Show this network (default: the `NetworkProvider`'s). */
  network?: TelemetrySource
  /** Show several in-page networks in one view (multi-node demos). */
  networks?: readonly TelemetrySource[]
}

/** Keeps `store` attached to `sources` while mounted; re-attaches when the set changes. */
function useAttach(store: DevtoolsStore, sources: readonly TelemetrySource[]): void {
  const latest = useRef(sources)
  latest.current = sources
  // The array identity changes every render; what matters is which networks are in it.
  const key = sources.map((s) => s.peerId).join(',')
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the members' peer ids
  useEffect(() => {
    const detach = latest.current.map((s) => store.attach(s))
    return () => {
      for (const d of detach) d()
    }
  }, [store, key])
}

/**
 * Provides one devtools store to the components under it and feeds it, while mounted,
 * from `network`/`networks` (or the provider's network). Nothing listens once unmounted.
 */
export function DevtoolsProvider(props: DevtoolsSourceProps & { children?: ReactNode }): ReactNode {
  const providerNetwork = useProviderNetwork()
  const parent = useContext(DevtoolsContext)
  const list = props.networks ?? (props.network ? [props.network] : undefined)
  // A store per multi-network view (created once); the shared per-network store otherwise.
  const [own] = useState(() => (props.networks ? createDevtoolsStore() : undefined))
  const source = list?.[0] ?? (parent ? undefined : providerNetwork)
  const store = props.store ?? own ?? (source ? devtoolsStoreFor(source) : parent)
  const sources = list ?? (store === parent || !source ? [] : [source])
  if (!store) {
    throw new Error(
      'No devtools store: pass `network`, `networks` or `store`, or render inside <DevtoolsProvider> or a NetworkProvider',
    )
  }
  useAttach(store, sources)
  return <DevtoolsContext.Provider value={store}>{props.children}</DevtoolsContext.Provider>
}

/** The devtools store in scope (throws a clear error when there is none). */
export function useDevtoolsStoreApi(): DevtoolsStore {
  const store = useContext(DevtoolsContext)
  const network = useProviderNetwork()
  if (store) return store
  if (network) return devtoolsStoreFor(network)
  throw new Error('No devtools store: render inside <DevtoolsProvider>, <MosaikDevtools> or a NetworkProvider')
}

/**
 * Reads a slice of the devtools state; re-renders only when the slice changes
 * (`isEqual`, default `Object.is`). Outside a `DevtoolsProvider` it uses the provider
 * network's shared store, attached while the component is mounted.
 */
export function useDevtoolsStore<S>(
  selector: (state: DevtoolsState) => S,
  isEqual: (a: S, b: S) => boolean = Object.is,
): S {
  const store = useDevtoolsStoreApi()
  const inContext = useContext(DevtoolsContext) !== null
  const network = useProviderNetwork()
  useEffect(() => (inContext || !network ? undefined : store.attach(network)), [store, inContext, network])
  const memo = useRef<{ state: DevtoolsState; selector: (s: DevtoolsState) => S; value: S } | null>(null)
  const get = (): S => {
    const state = store.getState()
    const prev = memo.current
    if (prev && prev.state === state && prev.selector === selector) return prev.value
    const value = selector(state)
    if (prev && isEqual(prev.value, value)) {
      memo.current = { state, selector, value: prev.value }
      return prev.value
    }
    memo.current = { state, selector, value }
    return value
  }
  return useSyncExternalStore(store.subscribe, get, get)
}

/** Wraps a view so that `store`/`network`/`networks` props scope it to its own store. */
export function withDevtoolsSource<P extends object>(View: ComponentType<P>, name: string) {
  function Scoped(props: P & DevtoolsSourceProps): ReactNode {
    const { store, network, networks, ...rest } = props
    const view = <View {...(rest as P)} />
    if (!store && !network && !networks) return view
    return (
      <DevtoolsProvider store={store} network={network} networks={networks}>
        {view}
      </DevtoolsProvider>
    )
  }
  Scoped.displayName = name
  return Scoped
}
