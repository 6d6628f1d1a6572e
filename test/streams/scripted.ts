import type { RejectReason } from '../../src/core/errors.js'
import { type PeerId, UniqueId } from '../../src/core/id.js'
import type { Channel, ChannelOptions, CloseInfo, DiscoveryEvent, PeerEntry } from '../../src/network/types.js'
import { producerConfig } from '../../src/streams/config.js'
import { ConsumerEngine, type ConsumerHost } from '../../src/streams/consumer-engine.js'
import { StreamsEngine, type StreamsHost } from '../../src/streams/engine.js'
import { RttTracker } from '../../src/streams/rtt.js'
import { StreamWhen } from '../../src/streams/status.js'
import type { ConsumerOptions, ProducerOptions, StreamId } from '../../src/streams/types.js'
import { Expiration } from '../../src/tickets/expiration.js'
import { createTicket, encodeTicket } from '../../src/tickets/ticket.js'
import { InvalidTicket, type TicketValidator } from '../../src/tickets/validator.js'

/**
 * A ticket validator the test controls. The data of a ticket it accepts is `until:<ms>`
 * (valid until then, ms since the epoch); it refuses anything else. `calls` lists the peers
 * it validated for; after `hold()`, validations wait for `release()`.
 */
export function scriptedTickets() {
  const ticketClass = UniqueId.from('scripted-ticket')
  const calls: string[] = []
  let holding = false
  const held: Array<() => void> = []
  const validator: TicketValidator = {
    class: ticketClass,
    signature: () => ticketClass,
    async validate(data, peer) {
      calls.push(peer)
      if (holding) await new Promise<void>((resolve) => held.push(resolve))
      const until = /^until:(\d+)$/.exec(new TextDecoder().decode(data))
      if (!until) throw new InvalidTicket('bad-signature', 'not a ticket of this test')
      return Expiration.at(Number(until[1]))
    },
  }
  return {
    validator,
    calls,
    /** An encoded ticket (as in an entry's `tickets`) valid until `at`. */
    until: (at: number) => encodeTicket(createTicket(ticketClass, `until:${at}`)),
    /** An encoded ticket of the validator's class that it refuses. */
    forged: () => encodeTicket(createTicket(ticketClass, 'forged')),
    hold(): void {
      holding = true
    },
    /** Validations from now on go through; those held still wait. */
    pass(): void {
      holding = false
    },
    release(): void {
      holding = false
      for (const resolve of held.splice(0)) resolve()
    },
  }
}

/** A discovery entry of `peerId` on `network` with nothing in it. */
export function bareEntry(peerId: PeerId, network: string): PeerEntry {
  return { peerId, network, addresses: [], tags: [], groups: [], tickets: [], startedAt: 0, updatedAt: 0 }
}

/**
 * The consumer's end of a stream channel whose producer the test plays: what the consumer
 * sends is recorded, what the test `deliver`s reaches the consumer at once. For unit tests
 * of the consumer engine without libp2p (and on fake timers).
 */
/** The close frames a scripted channel sent. */
export const closeFrames = (ch: ScriptedChannel) => ch.sent.filter((m) => (m as { t: string }).t === 'close')

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

/**
 * A streams engine producing `streamId` over a network the test scripts, whose one consumer
 * (`consumer`, with `entry` in the catalog) the test plays: `subscribe` opens a channel to the
 * producer and returns the producer's end of it. For unit tests of the producer's side of the
 * protocol without libp2p (and on fake timers).
 */
export function scriptedProducer(options: ProducerOptions<unknown> & { entry?: Partial<PeerEntry> } = {}) {
  const streamId: StreamId = UniqueId.from('scripted')
  const netId = UniqueId.from('scripted-net')
  const consumer = 'consumer' as PeerId
  let entry: PeerEntry = { ...bareEntry(consumer, netId.toString()), ...options.entry }
  const listeners = new Set<(e: DiscoveryEvent) => void>()
  let serve: ((ch: Channel) => void) | undefined
  /** The options the engine serves the protocol with. */
  const handled: Array<ChannelOptions | undefined> = []
  const net = {
    peerId: 'producer' as PeerId,
    id: netId,
    stopped: false,
    protocol: (name: string) => `/mosaik/test/${name}/1`,
    emitTelemetry: () => {},
    handle: (_name: string, handler: (ch: Channel) => void, opts?: ChannelOptions) => {
      serve = handler
      handled.push(opts)
    },
    unhandle: () => {},
    discovery: {
      addStream: () => {},
      removeStream: () => {},
      catalog: () => new Map([[consumer, entry]]),
      onEvent: (l: (e: DiscoveryEvent) => void) => {
        listeners.add(l)
        return () => listeners.delete(l)
      },
    },
  } as unknown as StreamsHost
  const engine = new StreamsEngine(net)
  const config = producerConfig(options)
  const when = new StreamWhen('producer', config.onlineWhen, 1)
  const sink = engine.openSink({
    streamId,
    config,
    when,
    sink: undefined,
    ready: new Promise(() => {}),
    handles: 1,
    closed: false,
  })
  return {
    engine,
    sink,
    handled,
    /** The consumer opens a channel and subscribes with `window`: the producer's end of it. */
    subscribe(window: number): ScriptedChannel {
      const ch = new ScriptedChannel(consumer)
      serve?.(ch)
      ch.deliver({ t: 'sub', net: netId.toString(), stream: streamId.toString(), window, criteria: {} })
      return ch
    },
    /** The consumer's entry changes (discovery's `updated`). */
    update(change: Partial<PeerEntry>): void {
      const previous = entry
      entry = { ...previous, ...change }
      for (const l of [...listeners]) l({ type: 'updated', entry, previous })
    },
  }
}
