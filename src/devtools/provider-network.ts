/**
 * The network of the enclosing `NetworkProvider`, if any. Devtools must not throw or
 * suspend outside one: they may be given `network`/`networks`/`store` props instead.
 */
import { useOptionalNetwork } from '../react/use-optional-network.js'
import type { TelemetrySource } from './store.js'

export function useProviderNetwork(): TelemetrySource | undefined {
  return useOptionalNetwork()
}
