import { createContext } from 'react'
import { MosaikError } from '../core/errors.js'
import type { Network } from '../network/network.js'

/** What `NetworkProvider` gives the hooks below it. */
export interface NetworkContextValue {
  /** The network once started (or adopted); `undefined` while starting and during server rendering. */
  readonly network: Network | undefined
  /** Resolves when the network is started (for Suspense). */
  readonly ready: () => Promise<Network>
  /** How long cell handles outlive their last component, ms. */
  readonly gracePeriod: number
}

export const NetworkContext = createContext<NetworkContextValue | undefined>(undefined)
NetworkContext.displayName = 'MosaikNetwork'

/** The error every hook throws outside a provider: it says what to do. */
export function missingProvider(hook: string): MosaikError {
  return new MosaikError(
    'react/no-provider',
    `${hook} must be used inside <NetworkProvider>. Wrap your app: <NetworkProvider options={{ network: 'my-app' }}><App /></NetworkProvider> (or pass network={existingNetwork} to adopt one).`,
  )
}
