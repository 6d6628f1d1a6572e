/**
 * The network of the enclosing `NetworkProvider`, if any (devtools must not throw outside
 * one: they may be given `network`/`networks` props instead).
 */
import type { TelemetrySource } from './store.js'

export function useProviderNetwork(): TelemetrySource | undefined {
  return undefined
}
