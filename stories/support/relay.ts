/**
 * Where the "Across tabs" story finds the local relay: the story's `relay` arg, else the
 * address `npm start` passes in `STORYBOOK_MOSAIK_RELAY`, else `./relay.json` next to the
 * page (the browser tests serve it).
 */
import { useEffect, useState } from 'react'

export interface RelayInfo {
  network: string
  addresses: string[]
}

export const PLAYGROUND_NETWORK = 'mosaik-playground'

function fromEnv(): RelayInfo | undefined {
  const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env
  const raw = env?.STORYBOOK_MOSAIK_RELAY
  if (!raw) return undefined
  try {
    const info = JSON.parse(raw) as RelayInfo
    return info.addresses?.length ? info : undefined
  } catch {
    return undefined
  }
}

export type RelayState =
  | { status: 'looking' }
  | { status: 'found'; info: RelayInfo }
  | { status: 'missing'; why: string }

export function useRelay(arg: string): RelayState {
  const [state, setState] = useState<RelayState>(() => {
    if (arg) return { status: 'found', info: { network: PLAYGROUND_NETWORK, addresses: [arg] } }
    const env = fromEnv()
    return env ? { status: 'found', info: env } : { status: 'looking' }
  })
  useEffect(() => {
    if (state.status !== 'looking') return
    const abort = new AbortController()
    fetch('./relay.json', { signal: abort.signal, cache: 'no-store' })
      .then(async (res) => {
        const info = (res.ok ? await res.json() : {}) as Partial<RelayInfo>
        setState(
          info.addresses?.length
            ? { status: 'found', info: { network: info.network ?? PLAYGROUND_NETWORK, addresses: info.addresses } }
            : { status: 'missing', why: `./relay.json: ${res.status}` },
        )
      })
      .catch((e: Error) => {
        if (!abort.signal.aborted) setState({ status: 'missing', why: e.message })
      })
    return () => abort.abort()
  }, [state.status])
  return state
}
