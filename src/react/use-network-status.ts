import { useContext, useSyncExternalStore } from 'react'
import { type NetworkStatus, STARTING_STATUS } from '../network/status.js'
import { missingProvider, NetworkContext } from './context.js'
import { noSubscribe } from './use-cell-entry.js'

const getStarting = (): NetworkStatus => STARTING_STATUS

/**
 * The provider's network connectivity, for a status line the user can see:
 * `{ status, peers, relays, reason, bootstrap }`. `status` is `starting` while the provider
 * starts the network (and on the server), then `connecting` (first bootstrap dial in flight),
 * `online` (a peer is connected), `offline` (no peer: the relay is unreachable or was lost,
 * and is being redialed; `reason` says which and why) or `stopped`. The object keeps its
 * identity until something in it changes, so it is safe in effect dependencies.
 *
 * ```tsx
 * const { status, peers, reason } = useNetworkStatus()
 * return <small title={reason}>{status} · {peers} peers</small>
 * ```
 */
export function useNetworkStatus(): NetworkStatus {
  const context = useContext(NetworkContext)
  if (!context) throw missingProvider('useNetworkStatus')
  const store = context.network?.status
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? getStarting, getStarting)
}
