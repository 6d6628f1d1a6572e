import { useEffect, useRef } from 'react'
import type { IdLike, PeerId } from '../core/id.js'
import { eventEntry, useRetained, useRoomNetwork } from './use-room.js'

/**
 * Calls `listener` for every event other peers broadcast in `room`. Never re-renders the
 * component by itself; the latest `listener` is called (no need to memoize it).
 *
 * ```tsx
 * useEventListener<{ emoji: string }>('doc-42', (e, from) => showConfetti(e.emoji, from))
 * ```
 */
export function useEventListener<E>(room: IdLike, listener: (event: E, from: PeerId) => void): void {
  const network = useRoomNetwork('useEventListener')
  const entry = network ? eventEntry<E>(network, room) : undefined
  useRetained(entry)
  const latest = useRef(listener)
  useEffect(() => {
    latest.current = listener
  })
  const events = entry?.room
  useEffect(() => events?.listen((e, from) => latest.current(e, from)), [events])
}
