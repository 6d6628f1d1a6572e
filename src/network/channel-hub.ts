import type { Libp2p, PeerId as Libp2pPeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { ClosedError } from '../core/errors.js'
import type { PeerId } from '../core/id.js'
import type { TelemetryEvent } from '../core/telemetry.js'
import { StreamChannel } from './channel.js'
import { DialWatchers } from './dial-progress.js'
import { type RetryOptions, raceAbort, retry } from './retry.js'
import type { Channel, ChannelOptions } from './types.js'

/** Streams of one protocol allowed per connection and direction. */
const MAX_STREAMS_PER_PROTOCOL = 1_024
/**
 * Inbound channels with a pre-auth budget that one peer may hold open before their handshakes
 * finish. With the groups protocol's 16 KiB budget, a peer holds at most 16 × 16 KiB of ours
 * before it proves anything.
 */
export const MAX_PRE_AUTH_CHANNELS_PER_PEER = 16

/** What the hub needs of its network. */
export interface ChannelHubHost {
  readonly peerId: PeerId
  readonly libp2p: Libp2p
  /** Aborts when the network stops. */
  readonly signal: AbortSignal
  protocol(name: string): string
  emitTelemetry(event: TelemetryEvent): void
}

/**
 * The channels of one network: protocol handlers (`handle` / `unhandle`), channels opened to
 * peers (`openChannel`, with the network's retry policy), and the bound on inbound channels a
 * peer may hold in their handshake. `close()` aborts every channel and removes every handler.
 */
export class ChannelHub {
  readonly #host: ChannelHubHost
  readonly #retry: Required<RetryOptions>
  readonly #channels = new Set<StreamChannel>()
  readonly #handlers = new Set<string>()

  constructor(host: ChannelHubHost, retryOptions: Required<RetryOptions>) {
    this.#host = host
    this.#retry = retryOptions
  }

  /** Channels currently open. */
  get size(): number {
    return this.#channels.size
  }

  handle(name: string, handler: (channel: Channel) => void, options: ChannelOptions = {}): void {
    const protocol = this.#host.protocol(name)
    if (this.#handlers.has(protocol)) throw new Error(`${protocol} already has a handler; unhandle('${name}') first`)
    this.#handlers.add(protocol)
    const onStream = (stream: Stream, connection: { remotePeer: Libp2pPeerId }) => {
      if (this.#host.signal.aborted) {
        stream.abort(new ClosedError('network'))
        return
      }
      const remote = connection.remotePeer.toString()
      if (options.preAuthBytes !== undefined && this.#overPreAuthLimit(remote, protocol, options)) {
        stream.abort(new Error('too many channels in their handshake'))
        return
      }
      handler(this.#wrap(stream, remote, options))
    }
    this.#host.libp2p
      .handle(protocol, onStream, {
        runOnLimitedConnection: options.allowLimited ?? false,
        // libp2p allows 32 inbound streams per protocol per connection; one bond per group
        // per peer pair (many cells between two peers) needs more.
        maxInboundStreams: MAX_STREAMS_PER_PROTOCOL,
        maxOutboundStreams: MAX_STREAMS_PER_PROTOCOL,
      })
      .catch((err: unknown) => console.error(`mosaik-react: cannot handle ${protocol}`, err))
  }

  unhandle(name: string): void {
    const protocol = this.#host.protocol(name)
    if (!this.#handlers.delete(protocol)) return
    this.#host.libp2p.unhandle(protocol).catch(() => {})
  }

  async openChannel(peer: PeerId, name: string, options: ChannelOptions = {}): Promise<Channel> {
    const target = peerIdFromString(peer)
    const protocol = this.#host.protocol(name)
    const stopped = this.#host.signal
    const signal = options.signal ? AbortSignal.any([options.signal, stopped]) : stopped
    const policy = { ...this.#retry, ...options.retry }
    const what = `channel ${protocol} to ${peer}`
    // A dial this open starts, or joins, is abandoned when it stops making progress.
    const stream = await retry(
      what,
      async (attempt) => {
        const watch = DialWatchers.of(this.#host.libp2p).watch(peer, policy.stallTimeoutMs, what, attempt)
        try {
          return await raceAbort(
            this.#host.libp2p.dialProtocol(target, protocol, {
              signal: watch.signal,
              onProgress: watch.onProgress,
              runOnLimitedConnection: options.allowLimited ?? false,
            }),
            watch.signal,
          )
        } finally {
          watch.dispose()
        }
      },
      { ...policy, signal },
    )
    return this.#wrap(stream, peer, options)
  }

  /** Aborts every channel (`reason` 'shutdown') and removes every handler. */
  async close(): Promise<void> {
    for (const ch of [...this.#channels]) ch.abort('shutdown')
    for (const p of this.#handlers) await this.#host.libp2p.unhandle(p).catch(() => {})
    this.#handlers.clear()
  }

  /** True (and counted as refused) when `remote` already holds the most channels in their handshake. */
  #overPreAuthLimit(remote: PeerId, protocol: string, options: ChannelOptions): boolean {
    const limit = Math.min(MAX_PRE_AUTH_CHANNELS_PER_PEER, options.maxPreAuthChannels ?? MAX_PRE_AUTH_CHANNELS_PER_PEER)
    if (this.#preAuthCount(remote) < MAX_PRE_AUTH_CHANNELS_PER_PEER && this.#preAuthCount(remote, protocol) < limit)
      return false
    this.#host.emitTelemetry({
      type: 'input.rejected',
      at: performance.now(),
      peer: this.#host.peerId,
      remote,
      protocol,
      reason: 'protocol',
      detail: `more than ${limit} channels in their handshake`,
    })
    return true
  }

  #preAuthCount(remote: PeerId, protocol?: string): number {
    let n = 0
    for (const ch of this.#channels)
      if (ch.remotePeer === remote && !ch.initiator && !ch.isAuthenticated && (!protocol || ch.protocol === protocol))
        n++
    return n
  }

  #wrap(stream: Stream, remote: PeerId, options: ChannelOptions): StreamChannel {
    const ch = new StreamChannel(stream, remote, this.#host, options)
    if (!ch.isClosed) {
      this.#channels.add(ch)
      ch.onClose(() => this.#channels.delete(ch))
    }
    return ch
  }
}
