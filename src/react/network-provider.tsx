import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { AuthFunction } from '../discovery/ticket-refresh.js'
import { Network, type NetworkOptions } from '../network/network.js'
import { DEFAULT_GRACE_PERIOD } from '../observe/handle-registry.js'
import type { Ticket } from '../tickets/ticket.js'
import { NetworkContext, type NetworkContextValue } from './context.js'
import { NetworkSlot, type NetworkStartError } from './network-slot.js'
import { stableKey } from './stable-key.js'
import { useNetworkTickets } from './use-network-tickets.js'

interface CommonProps {
  children?: ReactNode
  /**
   * Rendered instead of the children while an owned network starts. Without it the children
   * render at once: cell hooks report `connecting`, `useNetwork` and Suspense-mode hooks suspend.
   */
  fallback?: ReactNode
  /**
   * Rendered when an owned network cannot start, with the error (its `cause` is what
   * `Network.create` threw) and a `retry` that starts a new one. Without it the provider throws
   * the `NetworkStartError` to the nearest error boundary.
   */
  errorFallback?: ReactNode | ((error: NetworkStartError, retry: () => void) => ReactNode)
  /** How long a cell handle stays open after the last component using it unmounts, ms (default 1000). */
  gracePeriod?: number
  /** Tickets attached to this peer's discovery entry while mounted (cells with `auth` require them). */
  tickets?: readonly Ticket[]
  /**
   * Fetches this peer's tickets from the app's backend, like an auth endpoint: called with the
   * peer id once the network runs, again before the earliest ticket expires (a JWT's `exp`),
   * and with backoff after a failure. What it returns is attached and re-announced at once.
   *
   * ```tsx
   * <NetworkProvider options={opts} auth={async (peerId) => (await fetch(`/api/ticket?peer=${peerId}`)).text()}>
   * ```
   */
  auth?: AuthFunction
  /** Told when `auth` fails (default: `console.error`); the previous tickets stay until they expire. */
  onAuthError?: (error: unknown) => void
}

/** Own a network: created from `options` when mounted, stopped when unmounted. */
export interface OwnNetworkProps extends CommonProps {
  /**
   * Compared by content: a new object with the same content does not restart the network.
   * Objects that are not plain data (a libp2p config with transport factories, keys) are
   * compared by identity: create them once, outside the component.
   */
  options: NetworkOptions
  network?: undefined
}

/** Adopt a network created elsewhere: the provider never stops it. */
export interface AdoptNetworkProps extends CommonProps {
  network: Network
  options?: undefined
}

export type NetworkProviderProps = OwnNetworkProps | AdoptNetworkProps

/**
 * Makes a mosaik `Network` available to the hooks below it.
 *
 * - `options`: the provider creates the network after mounting and stops it after unmounting.
 *   StrictMode's mount/unmount/mount creates one network (the stop is deferred and cancelled);
 *   `options` are compared by content, so an inline object does not restart anything. New
 *   content starts a new network and stops the old one.
 * - `network`: the provider adopts it and never stops it.
 *
 * While an owned network starts the provider renders `fallback` if given, else its children
 * (cells report `connecting`). If it cannot start, it renders `errorFallback(error, retry)` if
 * given, else throws `NetworkStartError` to the nearest error boundary. On the server nothing
 * is started: hooks report `connecting`.
 *
 * ```tsx
 * <NetworkProvider options={{ network: 'my-app', bootstrap: [relay] }} fallback={<Spinner />}>
 *   <App />
 * </NetworkProvider>
 * ```
 */
export function NetworkProvider(props: NetworkProviderProps): ReactNode {
  const { children, fallback, errorFallback, gracePeriod = DEFAULT_GRACE_PERIOD } = props
  const adopted = props.network
  const options = props.options
  const [slot] = useState(() => new NetworkSlot())
  const [attempt, setAttempt] = useState(0)
  const key = adopted ? undefined : `${attempt}|${stableKey(options)}`
  const optionsRef = useRef(options)
  useEffect(() => {
    optionsRef.current = options
  })
  useEffect(() => {
    const current = optionsRef.current
    if (key === undefined || !current) return
    return slot.acquire(key, () => Network.create(current))
  }, [slot, key])
  const state = useSyncExternalStore(slot.subscribe, slot.getState, slot.getState)
  const retry = useCallback(() => setAttempt((n) => n + 1), [])

  const network = adopted ?? state.network
  useNetworkTickets(network, props.tickets, props.auth, props.onAuthError)
  const value = useMemo<NetworkContextValue>(
    () => ({ network, ready: adopted ? () => Promise.resolve(adopted) : slot.ready, gracePeriod }),
    [network, adopted, slot, gracePeriod],
  )

  if (!adopted) {
    if (state.status === 'error') {
      if (errorFallback === undefined) throw state.error
      return typeof errorFallback === 'function' ? errorFallback(state.error, retry) : errorFallback
    }
    if (state.status === 'starting' && fallback !== undefined) return fallback
  }
  return <NetworkContext.Provider value={value}>{children}</NetworkContext.Provider>
}
