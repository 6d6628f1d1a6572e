import type { Network } from '../network/network.js'
import type { NetworkService } from '../network/types.js'

/** How long a shared room outlives its last user by default, ms (StrictMode remounts reuse it). */
export const DEFAULT_ROOM_GRACE_MS = 1_000

/** A shared room and its reference count. */
export class RoomEntry<R extends { close(): void }> {
  readonly room: R
  #refs = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #closed = false
  readonly #graceMs: number
  readonly #onClosed: () => void
  /** Free-form flags of the adapters (e.g. whether a presence got its initial value). */
  initialized = false

  constructor(room: R, graceMs: number, onClosed: () => void) {
    this.room = room
    this.#graceMs = graceMs
    this.#onClosed = onClosed
    this.#schedule()
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Holds the room open until the returned release is called (then closes after the grace period). */
  retain(): () => void {
    this.#refs++
    clearTimeout(this.#timer)
    this.#timer = undefined
    let released = false
    return () => {
      if (released) return
      released = true
      if (--this.#refs === 0) this.#schedule()
    }
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#timer)
    this.room.close()
    this.#onClosed()
  }

  #schedule(): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      if (this.#refs === 0) this.close()
    }, this.#graceMs)
  }
}

/**
 * Rooms (presence, events) shared by everything on one network that names the same room:
 * one producer and one consumer per room however many components use it. Safe to acquire
 * during render: an entry nobody retains closes after its grace period. Closed with the
 * network.
 */
export class SharedRooms implements NetworkService {
  readonly #entries = new Map<string, RoomEntry<{ close(): void }>>()

  acquire<R extends { close(): void }>(key: string, open: () => R, graceMs = DEFAULT_ROOM_GRACE_MS): RoomEntry<R> {
    const existing = this.#entries.get(key)
    if (existing && !existing.closed) return existing as unknown as RoomEntry<R>
    const entry: RoomEntry<R> = new RoomEntry(open(), graceMs, () => {
      if (this.#entries.get(key) === (entry as unknown)) this.#entries.delete(key)
    })
    this.#entries.set(key, entry as unknown as RoomEntry<{ close(): void }>)
    return entry
  }

  /** Open rooms (tests check that nothing leaks). */
  get size(): number {
    return this.#entries.size
  }

  stop(): void {
    for (const e of [...this.#entries.values()]) e.close()
    this.#entries.clear()
  }
}

/** The shared rooms of `network`, created on first use and closed with it. */
export function sharedRooms(network: Network): SharedRooms {
  return network.service('mosaik-react/rooms', () => new SharedRooms())
}
