import type { IdLike } from '../core/id.js'
import type { PeerPresence, PresenceSnapshot } from '../streams/presence.js'
import { useNetwork } from './use-network.js'
import { presenceEntry, useRetained } from './use-room.js'
import { useSelectedSnapshot } from './use-selected-snapshot.js'

const othersOf = <P>(s: PresenceSnapshot<P>) => s.others

/**
 * A slice of the other peers' presence in `room`: re-renders only when `selector`'s result
 * changes (`isEqual`, default `Object.is`; pass a shallow compare for arrays). Shares the
 * room with `usePresence`.
 *
 * ```tsx
 * const count = useOthers('doc-42', (others) => others.length)   // not re-rendered by cursor moves
 * ```
 */
export function useOthers<P extends object, S = readonly PeerPresence<P>[]>(
  room: IdLike,
  selector: (others: readonly PeerPresence<P>[]) => S = othersOf as never,
  isEqual: (a: S, b: S) => boolean = Object.is,
): S {
  const network = useNetwork()
  const entry = presenceEntry<P>(network, room, undefined)
  useRetained(entry)
  const presence = entry.room
  return useSelectedSnapshot(
    presence.subscribe,
    presence.getSnapshot,
    presence.getSnapshot,
    (s) => selector(s.others),
    isEqual,
  )
}
