import { useCallback } from 'react'
import type { IdLike } from '../core/id.js'
import { useNetwork } from './use-network.js'
import { eventEntry, useRetained } from './use-room.js'

/**
 * A function that sends an ephemeral event to every other peer in `room` (reactions,
 * "typing…", pings); false when nobody is listening or links are full. Never re-renders the
 * component; the function keeps its identity.
 *
 * ```tsx
 * const broadcast = useBroadcastEvent<{ emoji: string }>('doc-42')
 * <button onClick={() => broadcast({ emoji: '🎉' })}>🎉</button>
 * ```
 */
export function useBroadcastEvent<E>(room: IdLike): (event: E) => boolean {
  const network = useNetwork()
  const entry = eventEntry<E>(network, room)
  useRetained(entry)
  const events = entry.room
  return useCallback((event: E) => events.broadcast(event), [events])
}
