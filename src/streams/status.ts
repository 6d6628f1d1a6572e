import type { PeerId } from '../core/id.js'
import { Watch } from '../core/watch.js'
import type { PeerEntry } from '../network/types.js'
import { ChannelConditions } from './conditions.js'
import type { ChannelInfo, LinkState, StreamId, StreamStats } from './types.js'

/** Mutable counters behind a `StreamStats` snapshot. */
export class LinkCounters {
  datums = 0
  bytes = 0
  dropped = 0
  refused = 0
  lag = 0
  connectedAt: number | undefined

  snapshot(): StreamStats {
    return {
      datums: this.datums,
      bytes: this.bytes,
      dropped: this.dropped,
      refused: this.refused,
      lag: this.lag,
      connectedAt: this.connectedAt,
    }
  }
}

/** One link as a `ChannelInfo`; `state` is live. */
export class LinkInfo implements ChannelInfo {
  readonly streamId: StreamId
  readonly producerId: PeerId
  readonly consumerId: PeerId
  readonly peer: PeerEntry
  readonly counters = new LinkCounters()
  state: LinkState = 'connecting'

  constructor(streamId: StreamId, producerId: PeerId, consumerId: PeerId, peer: PeerEntry) {
    this.streamId = streamId
    this.producerId = producerId
    this.consumerId = consumerId
    this.peer = peer
  }

  stats(): StreamStats {
    return this.counters.snapshot()
  }
}

/**
 * Status of a producer or consumer (mosaik `When`): the active links and whether the
 * `onlineWhen` condition holds. Everything here is awaitable and re-evaluated on every
 * change of the links.
 */
export class StreamWhen {
  /** Active (connected) links; a new array on every change. */
  readonly links: Watch<readonly ChannelInfo[]>
  readonly #online: Watch<boolean>
  readonly #condition: ChannelConditions

  constructor(what: string, onlineWhen: (c: ChannelConditions) => ChannelConditions, defaultMin: number) {
    this.links = new Watch<readonly ChannelInfo[]>([])
    this.#condition = onlineWhen(new ChannelConditions(this.links, what, { min: defaultMin }))
    this.#online = new Watch(this.#condition.isConditionMet())
    this.links.subscribe(() => this.#online.set(this.#condition.isConditionMet()))
  }

  isOnline(): boolean {
    return this.#online.get()
  }

  /** Resolves when online (at once if online now). */
  online(): Promise<void> {
    return this.#online.waitFor((v) => v, { what: 'the stream to be online' }).then(() => {})
  }

  /** Resolves when offline (at once if offline now). */
  offline(): Promise<void> {
    return this.#online.waitFor((v) => !v, { what: 'the stream to be offline' }).then(() => {})
  }

  /** At least one active link (builder: `.minimumOf(n)`, `.withTags(…)`, `.unmet()`). */
  subscribed(): ChannelConditions {
    return new ChannelConditions(this.links, 'subscriptions')
  }

  /** No active link. */
  unsubscribed(): ChannelConditions {
    return this.subscribed().unmet()
  }

  /** Calls `listener` whenever online status changes. */
  onOnlineChange(listener: (online: boolean) => void): () => void {
    return this.#online.subscribe(listener)
  }

  add(link: ChannelInfo): void {
    this.links.set([...this.links.get(), link])
  }

  remove(link: ChannelInfo): void {
    const now = this.links.get()
    if (now.includes(link)) this.links.set(now.filter((l) => l !== link))
  }

  close(): void {
    this.links.set([])
    this.links.close()
    this.#online.close()
  }
}
