import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type Clock, SystemClock } from '../core/clock.js'
import { type IdLike, type PeerId, UniqueId } from '../core/id.js'
import type { Consumer } from './consumer.js'
import { StreamError } from './errors.js'
import type { Producer } from './producer.js'
import type { Streams } from './streams.js'
import type { ProducerOptions } from './types.js'

/** One other peer in a room. Keeps its identity until that peer's presence changes. */
export interface PeerPresence<P> {
  readonly peer: PeerId
  readonly presence: P
}

/** What `subscribe` listeners read: immutable, a new object only when something changed. */
export interface PresenceSnapshot<P> {
  readonly self: P
  /** Other peers, ordered by peer id. */
  readonly others: readonly PeerPresence<P>[]
}

export interface PresenceOptions {
  /** How often the local presence is re-sent while unchanged. Default 1000 ms. */
  readonly heartbeatMs?: number
  /** Heartbeats a peer may miss before it leaves the list. Default 3. */
  readonly missedHeartbeats?: number
  /** Largest encoded presence accepted from a peer. Default 16 KiB. */
  readonly maxBytes?: number
  /** Timers (tests pass a `ManualClock`). */
  readonly clock?: Clock
}

type Envelope<P> = { p: P } | { bye: true }

const envelope = {
  '~standard': {
    version: 1 as const,
    vendor: 'mosaik-react',
    validate: (v: unknown) => {
      if (
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        ('p' in v || (v as { bye?: unknown }).bye === true)
      )
        return { value: v }
      return { issues: [{ message: 'not a presence envelope' }] }
    },
  },
}

/** The stream a room's presence travels on. */
export function presenceStreamId(room: IdLike): UniqueId {
  return UniqueId.from('mosaik-react.presence').derive(UniqueId.from(room))
}

/**
 * "Who is here, and what are they doing" for one room (Liveblocks' `useOthers` /
 * `useMyPresence`, Yjs awareness), on a stream instead of consensus: each peer produces its
 * own presence on the room's stream and consumes everyone else's. Framework-free: React's
 * `usePresence` only adapts `subscribe` / `getSnapshot`.
 *
 * Departure: a peer that closes its room (or stops its network) says goodbye and leaves
 * every list at once; a peer whose link drops leaves at once too; a peer that stays linked
 * but falls silent leaves `missedHeartbeats × heartbeatMs` (default 3 s) after the last
 * thing it sent. The sender samples (`drop-oldest`): only the newest presence matters.
 *
 * ```ts
 * const room = new PresenceRoom(network, 'doc-42', { cursor: null as null | { x: number; y: number } })
 * room.subscribe(() => draw(room.getSnapshot().others))
 * room.update({ cursor: { x: 10, y: 20 } })
 * ```
 */
export class PresenceRoom<P extends object> {
  readonly streamId: UniqueId
  readonly #producer: Producer<Envelope<P>>
  readonly #consumer: Consumer<Envelope<P>>
  readonly #clock: Clock
  readonly #heartbeatMs: number
  readonly #expireMs: number
  readonly #listeners = new Set<() => void>()
  readonly #others = new Map<PeerId, { entry: PeerPresence<P>; seen: number }>()
  #snapshot: PresenceSnapshot<P>
  #heartbeat: unknown
  #sweep: { handle: unknown; at: number } | undefined
  #offLinks: () => void
  #closed = false
  #pending = false

  constructor(network: { readonly streams: Streams }, room: IdLike, initial: P, options: PresenceOptions = {}) {
    this.#clock = options.clock ?? new SystemClock()
    this.#heartbeatMs = options.heartbeatMs ?? 1_000
    this.#expireMs = this.#heartbeatMs * (options.missedHeartbeats ?? 3)
    this.streamId = presenceStreamId(room)
    this.#snapshot = { self: initial, others: [] }
    const maxDatumBytes = options.maxBytes ?? 16 * 1024
    // Only the newest presence matters: a consumer that falls behind gets it, not a backlog.
    this.#producer = produceOrShare<Envelope<P>>(network.streams, this.streamId, {
      // A short window keeps what is in flight fresh: at 20 Hz, 4 + 1 datums are 250 ms.
      onLagging: 'drop-oldest',
      window: 4,
      bufferSize: 1,
      maxDatumBytes,
    })
    this.#consumer = network.streams.consume<Envelope<P>>(this.streamId, {
      window: 4,
      schema: envelope as StandardSchemaV1<Envelope<P>>,
      maxDatumBytes,
    })
    let linked = new Set<PeerId>()
    this.#offLinks = this.#consumer.when.links.subscribe((links) => {
      const now = new Set(links.map((l) => l.producerId))
      for (const peer of linked) if (!now.has(peer)) this.#remove(peer)
      linked = now
    })
    this.#producer.when.onOnlineChange((online) => {
      if (online) this.#send()
    })
    void this.#read()
    this.#beat()
  }

  /** This peer's presence. */
  get self(): P {
    return this.#snapshot.self
  }

  getSnapshot = (): PresenceSnapshot<P> => this.#snapshot

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /** Merges `partial` into this peer's presence and sends it at once. */
  update(partial: Partial<P>): void {
    if (this.#closed) return
    this.#publish({ self: { ...this.#snapshot.self, ...partial }, others: this.#snapshot.others })
    this.#send()
  }

  /** Says goodbye (everyone drops us at once) and leaves the room. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    try {
      this.#producer.trySend({ bye: true })
    } catch {
      // the network is already down: the links dropping tells everyone instead
    }
    this.#clock.clearTimeout(this.#heartbeat)
    if (this.#sweep) this.#clock.clearTimeout(this.#sweep.handle)
    this.#offLinks()
    this.#producer.close()
    this.#consumer.close()
    this.#listeners.clear()
  }

  #send(): void {
    if (this.#closed || this.#producer.closed) return
    try {
      this.#producer.trySend({ p: this.#snapshot.self })
    } catch (err) {
      console.error('mosaik-react: presence cannot be sent', err)
    }
  }

  #beat(): void {
    this.#heartbeat = this.#clock.setTimeout(() => {
      if (this.#closed) return
      this.#send()
      this.#beat()
    }, this.#heartbeatMs)
  }

  async #read(): Promise<void> {
    for await (const { value, from } of this.#consumer.received()) {
      if ('bye' in value) this.#remove(from)
      else this.#set(from, value.p)
    }
  }

  #set(peer: PeerId, presence: P): void {
    const now = this.#clock.now()
    const known = this.#others.get(peer)
    if (known) {
      known.seen = now
      if (deepEqual(known.entry.presence, presence)) {
        this.#armSweep()
        return
      }
    }
    this.#others.set(peer, { entry: { peer, presence }, seen: now })
    this.#armSweep()
    // Datums that arrive together (one chunk of frames) make one snapshot, not one each.
    if (this.#pending) return
    this.#pending = true
    queueMicrotask(() => {
      if (!this.#pending) return
      this.#publishOthers()
    })
  }

  #remove(peer: PeerId): void {
    if (this.#others.delete(peer)) this.#publishOthers()
  }

  #armSweep(): void {
    if (this.#closed || this.#sweep) return
    let earliest = Number.POSITIVE_INFINITY
    for (const o of this.#others.values()) earliest = Math.min(earliest, o.seen + this.#expireMs)
    if (earliest === Number.POSITIVE_INFINITY) return
    const at = earliest
    this.#sweep = {
      at,
      handle: this.#clock.setTimeout(
        () => {
          this.#sweep = undefined
          const now = this.#clock.now()
          let changed = false
          for (const [peer, o] of this.#others) {
            if (o.seen + this.#expireMs <= now) changed = this.#others.delete(peer) || changed
          }
          if (changed) this.#publishOthers()
          this.#armSweep()
        },
        Math.max(0, at - this.#clock.now()),
      ),
    }
  }

  #publishOthers(): void {
    this.#pending = false
    const others = [...this.#others.values()].map((o) => o.entry).sort((a, b) => (a.peer < b.peer ? -1 : 1))
    this.#publish({ self: this.#snapshot.self, others })
  }

  #publish(next: PresenceSnapshot<P>): void {
    if (this.#closed) return
    this.#snapshot = next
    for (const l of [...this.#listeners]) l()
  }
}

/** A producer with `options`, or a handle on the one this network already has for the stream. */
export function produceOrShare<T>(streams: Streams, id: UniqueId, options: ProducerOptions<T>): Producer<T> {
  try {
    return streams.produce<T>(id, options)
  } catch (err) {
    if (err instanceof StreamError && err.kind === 'exists') return err.value as Producer<T>
    throw err
  }
}

/** Structural equality of decoded CBOR values (heartbeats repeat the same presence). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b) || a instanceof Uint8Array !== b instanceof Uint8Array) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}
