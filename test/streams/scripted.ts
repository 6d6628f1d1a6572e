import type { RejectReason } from '../../src/core/errors.js'
import { type PeerId, UniqueId } from '../../src/core/id.js'
import type { Channel, ChannelOptions, CloseInfo, DiscoveryEvent, PeerEntry } from '../../src/network/types.js'
import { ConsumerEngine, type ConsumerHost } from '../../src/streams/consumer-engine.js'
import { RttTracker } from '../../src/streams/rtt.js'
import { StreamWhen } from '../../src/streams/status.js'
import type { ConsumerOptions, StreamId } from '../../src/streams/types.js'

/**
 * The consumer's end of a stream channel whose producer the test plays: what the consumer
 * sends is recorded, what the test `deliver`s reaches the consumer at once. For unit tests
 * of the consumer engine without libp2p (and on fake timers).
 */
export class ScriptedChannel implements Channel {
  readonly remotePeer: PeerId
  readonly protocol = '/mosaik/test/streams/1'
  readonly initiator = true
  readonly sent: unknown[] = []
  readonly rejected: RejectReason[] = []
  #info: CloseInfo | undefined
  readonly #listeners = new Set<(m: unknown) => void>()
  readonly #inbox: unknown[] = []
  readonly #closes = new Set<(info: CloseInfo) => void>()

  constructor(remotePeer: PeerId) {
    this.remotePeer = remotePeer
  }

  get isClosed(): boolean {
    return this.#info !== undefined
  }

  send(message: unknown): boolean {
    if (this.#info) return false
    this.sent.push(message)
    return true
  }

  /** A frame from the producer. */
  deliver(message: unknown): void {
    if (this.#info) return
    if (this.#listeners.size === 0) this.#inbox.push(message)
    for (const l of [...this.#listeners]) l(message)
  }

  onMessage(listener: (message: unknown) => void): () => void {
    this.#listeners.add(listener)
    for (const m of this.#inbox.splice(0)) listener(m)
    return () => this.#listeners.delete(listener)
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    if (this.#info) {
      listener(this.#info)
      return () => {}
    }
    this.#closes.add(listener)
    return () => this.#closes.delete(listener)
  }

  close(reason?: CloseInfo['reason']): void {
    this.finish({ by: 'local', ...(reason !== undefined && { reason }) })
  }

  reject(reason: RejectReason): void {
    this.rejected.push(reason)
    this.finish({ by: 'local', reason })
  }

  /** Ends the channel as `info` says (the producer's reset when `by` is remote). */
  finish(info: CloseInfo): void {
    if (this.#info) return
    this.#info = info
    for (const l of [...this.#closes]) l(info)
    this.#closes.clear()
    this.#listeners.clear()
  }
}

/**
 * A consumer engine over a network the test scripts: producers (`peers`, default one, `peer`)
 * announcing `streamId`, whose channels `open` makes (a scripted channel each, by default).
 */
export function scriptedConsumer<T>(
  options: ConsumerOptions<T> & {
    open?: (peer: PeerId, opts: ChannelOptions | undefined) => Promise<Channel>
    /** The producers' entry, beyond the defaults (which announce the stream). */
    entry?: Partial<PeerEntry>
    /** The producers; default one, `producer`. */
    peers?: readonly string[]
  } = {},
) {
  const streamId: StreamId = UniqueId.from('scripted')
  const netId = UniqueId.from('scripted-net')
  const peers = (options.peers ?? ['producer']) as readonly PeerId[]
  const peer = peers[0] as PeerId
  const entries = new Map<PeerId, PeerEntry>(
    peers.map((p) => [
      p,
      {
        peerId: p,
        network: netId.toString(),
        addresses: [],
        tags: [],
        groups: [],
        streams: [streamId.toString()],
        tickets: [],
        startedAt: 0,
        updatedAt: 0,
        ...options.entry,
      },
    ]),
  )
  const listeners = new Set<(e: DiscoveryEvent) => void>()
  const channels: ScriptedChannel[] = []
  const opened: Array<ChannelOptions | undefined> = []
  const open =
    options.open ??
    (async (p: PeerId) => {
      const ch = new ScriptedChannel(p)
      channels.push(ch)
      return ch
    })
  const host: ConsumerHost = {
    net: {
      peerId: 'consumer' as PeerId,
      id: netId,
      discovery: {
        catalog: () => new Map(entries),
        onEvent: (l: (e: DiscoveryEvent) => void) => {
          listeners.add(l)
          return () => listeners.delete(l)
        },
      },
      openChannel: (p: PeerId, _name: string, opts?: ChannelOptions) => {
        opened.push(opts)
        return open(p, opts)
      },
    } as unknown as ConsumerHost['net'],
    rtt: new RttTracker(),
    maxFrameSize: 1024 * 1024 + 1024,
    linkChanged: () => {},
    refused: () => {},
    released: () => {},
  }
  const engine = new ConsumerEngine<T>(host, streamId, options, new StreamWhen('consumer', (c) => c, 0))
  return {
    engine,
    streamId,
    netId,
    peer,
    channels,
    opened,
    /** A producer's entry (default `peer`'s) changes (discovery's `updated`). */
    update(change: Partial<PeerEntry>, of: string = peer): void {
      const previous = entries.get(of as PeerId) as PeerEntry
      const entry = { ...previous, ...change }
      entries.set(of as PeerId, entry)
      for (const l of [...listeners]) l({ type: 'updated', entry, previous })
    },
    /** The producer accepts the subscription on `ch` with `window`. */
    start(ch: ScriptedChannel, window: number): void {
      ch.deliver({ t: 'start', net: netId.toString(), stream: streamId.toString(), window })
    },
  }
}
