import type { IdLike } from '../core/id.js'
import type { PeerPresence, PresenceSnapshot } from '../streams/presence.js'
import { noSubscribe } from './use-cell-entry.js'
import { presenceEntry, useRetained, useRoomNetwork } from './use-room.js'
import { useSelectedSnapshot } from './use-selected-snapshot.js'

const othersOf = <P>(s: PresenceSnapshot<P>) => s.others
const ALONE: PresenceSnapshot<never> = Object.freeze({ self: undefined as never, others: [] })
const getAlone = (): PresenceSnapshot<never> => ALONE

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
  const network = useRoomNetwork('useOthers')
  const entry = network ? presenceEntry<P>(network, room, undefined) : undefined
  useRetained(entry)
  const presence = entry?.room
  return useSelectedSnapshot(
    presence?.subscribe ?? noSubscribe,
    presence?.getSnapshot ?? (getAlone as () => PresenceSnapshot<P>),
    presence?.getSnapshot ?? (getAlone as () => PresenceSnapshot<P>),
    (s) => selector(s.others),
    isEqual,
  )
}
