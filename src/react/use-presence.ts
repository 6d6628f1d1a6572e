import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { IdLike } from '../core/id.js'
import type { PeerPresence, PresenceOptions, PresenceSnapshot } from '../streams/presence.js'
import { noSubscribe } from './use-cell-entry.js'
import { presenceEntry, useRetained, useRoomNetwork } from './use-room.js'

/** What `usePresence` returns: this peer's presence, everyone else's, and how to change ours. */
export interface PresenceState<P> {
  readonly self: P
  /** Other peers of the room, ordered by peer id; an entry keeps its identity until that peer changes. */
  readonly others: readonly PeerPresence<P>[]
  /** Merges into our presence and sends it at once. Keeps its identity. */
  update(partial: Partial<P>): void
}

/**
 * Live presence in `room` (cursors, selections, "who is here"), over a stream, not
 * consensus. Every component naming the same room on a network shares one room; the first
 * one's `initial` is the starting presence. Re-renders when our presence or anyone else's
 * changes; use `useOthers(room, selector)` to re-render on a slice only.
 *
 * Never suspends: while the network starts (and on the server) it shows `initial` and no
 * one else, and `update` does nothing.
 *
 * Peers leave `others` at once when they close the room, stop, or lose their link, and
 * `missedHeartbeats × heartbeatMs` (default 3 × 1 s) after they last sent anything otherwise.
 *
 * ```tsx
 * const { self, others, update } = usePresence('doc-42', { cursor: null as Point | null })
 * <div onPointerMove={(e) => update({ cursor: { x: e.clientX, y: e.clientY } })}>
 *   {others.map((o) => <Cursor key={o.peer} at={o.presence.cursor} />)}
 * </div>
 * ```
 */
export function usePresence<P extends object>(room: IdLike, initial: P, options?: PresenceOptions): PresenceState<P> {
  const network = useRoomNetwork('usePresence')
  const entry = network ? presenceEntry(network, room, initial, options) : undefined
  useRetained(entry)
  const presence = entry?.room
  // `initial` counts once, from the first component that gives it.
  const firstInitial = useRef(initial)
  useEffect(() => {
    if (!entry || !presence || entry.initialized) return
    entry.initialized = true
    presence.update(firstInitial.current)
  }, [entry, presence])
  // Without a network yet (starting, server rendering): our initial presence, nobody else.
  const [alone] = useState<PresenceSnapshot<P>>(() => ({ self: initial, others: [] }))
  const getAlone = useCallback(() => alone, [alone])
  const snapshot = useSyncExternalStore(
    presence?.subscribe ?? noSubscribe,
    presence?.getSnapshot ?? getAlone,
    presence?.getSnapshot ?? getAlone,
  )
  const update = useCallback((partial: Partial<P>) => presence?.update(partial), [presence])
  return useMemo(() => ({ self: snapshot.self, others: snapshot.others, update }), [snapshot, update])
}
