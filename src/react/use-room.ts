import { useContext, useEffect, useSyncExternalStore } from 'react'
import { type IdLike, UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import { EventRoom } from '../streams/events.js'
import { type PresenceOptions, PresenceRoom } from '../streams/presence.js'
import { type RoomEntry, sharedRooms } from '../streams/rooms.js'
import { missingProvider, NetworkContext } from './context.js'
import { noSubscribe } from './use-cell-entry.js'

const no = (): boolean => false
const yes = (): boolean => true

/**
 * The provider's network for a room hook, or undefined while it starts, while server
 * rendering or hydrating, and once it stopped: room hooks never suspend and never open a
 * room on the server. Throws the usual error outside a provider.
 */
export function useRoomNetwork(hook: string): Network | undefined {
  const context = useContext(NetworkContext)
  if (!context) throw missingProvider(hook)
  const serverOrHydrating = useSyncExternalStore(noSubscribe, no, yes)
  const network = context.network
  return network && !serverOrHydrating && !network.stopped ? network : undefined
}

/** The shared presence room `room` of `network` (opened with `initial` by its first user). */
export function presenceEntry<P extends object>(
  network: Network,
  room: IdLike,
  initial: P | undefined,
  options?: PresenceOptions,
): RoomEntry<PresenceRoom<P>> {
  let created = false
  const entry = sharedRooms(network).acquire(`presence|${UniqueId.from(room).toString()}`, () => {
    created = true
    return new PresenceRoom<P>(network, room, (initial ?? {}) as P, options)
  })
  // A room opened by `useOthers` has no presence of ours yet: `usePresence` sets it in an effect.
  if (created && initial !== undefined) entry.initialized = true
  return entry
}

/** The shared event room `room` of `network`. */
export function eventEntry<E>(network: Network, room: IdLike): RoomEntry<EventRoom<E>> {
  return sharedRooms(network).acquire(`events|${UniqueId.from(room).toString()}`, () => new EventRoom<E>(network, room))
}

/** Holds a shared room open while the component is mounted. */
export function useRetained(entry: RoomEntry<{ close(): void }> | undefined): void {
  useEffect(() => entry?.retain(), [entry])
}
