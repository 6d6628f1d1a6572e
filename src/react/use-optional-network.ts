import { useContext } from 'react'
import type { Network } from '../network/network.js'
import { NetworkContext } from './context.js'

/**
 * The provider's `Network` if there is a provider and its network has started, else
 * `undefined`. Never throws or suspends: for components that work with or without one
 * (devtools, status badges).
 */
export function useOptionalNetwork(): Network | undefined {
  return useContext(NetworkContext)?.network
}
