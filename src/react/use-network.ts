import { useContext } from 'react'
import type { Network } from '../network/network.js'
import { missingProvider, NetworkContext } from './context.js'

/**
 * The provider's `Network`. Suspends while an owned network is starting (wrap in
 * `<Suspense>`, or give the provider a `fallback`). Throws a `MosaikError` with code
 * `react/no-provider`, saying how to fix it, outside a `NetworkProvider`.
 */
export function useNetwork(): Network {
  const context = useContext(NetworkContext)
  if (!context) throw missingProvider('useNetwork')
  if (!context.network) throw context.ready()
  return context.network
}
