import { useCallback } from 'react'
import type { IdLike } from '../core/id.js'
import { eventEntry, useRetained, useRoomNetwork } from './use-room.js'

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
  const network = useRoomNetwork('useBroadcastEvent')
  const entry = network ? eventEntry<E>(network, room) : undefined
  useRetained(entry)
  const events = entry?.room
  return useCallback((event: E) => events?.broadcast(event) ?? false, [events])
}
