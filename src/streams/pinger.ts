import type { PeerId } from '../core/id.js'
import type { RetryOptions } from '../network/retry.js'
import type { Channel, NetworkServices } from '../network/types.js'
import type { RttTracker } from './rtt.js'

const PING_TIMEOUT_MS = 5_000
/** Largest frame of a ping channel: it carries a ping and a pong, nothing a producer may grow. */
const PING_MAX_FRAME = 1024

/**
 * A consumer's RTT pings (mosaik: a consumer whose predicate needs an RTT it does not have
 * pings first), each on a channel of its own that carries one ping and one pong.
 */
export class Pinger {
  readonly #net: Pick<NetworkServices, 'openChannel'>
  readonly #rtt: Pick<RttTracker, 'record'>
  readonly #retry: RetryOptions
  /** Ping channels waiting for their pong: closed with the consumer, not left to their timeout. */
  readonly #pings = new Set<Channel>()
  #closed = false

  constructor(net: Pick<NetworkServices, 'openChannel'>, rtt: Pick<RttTracker, 'record'>, retry: RetryOptions) {
    this.#net = net
    this.#rtt = rtt
    this.#retry = retry
  }

  /** Measures the RTT to `peer` with a ping channel; false when it cannot (or the pinger closed). */
  async ping(peer: PeerId): Promise<boolean> {
    let channel: Channel | undefined
    try {
      channel = await this.#net.openChannel(peer, 'streams', { maxFrameSize: PING_MAX_FRAME, retry: this.#retry })
      if (this.#closed) return false
      this.#pings.add(channel)
      const t0 = performance.now()
      const answered = await pong(channel)
      if (answered) this.#rtt.record(peer, performance.now() - t0)
      return answered
    } catch {
      return false
    } finally {
      if (channel) this.#pings.delete(channel)
      channel?.close('pong')
    }
  }

  /** Closes the pings still waiting for their pong; later ones answer false. */
  close(): void {
    this.#closed = true
    for (const ch of this.#pings) ch.close('unsubscribed')
  }
}

/** Sends a ping on `ch`: true once the pong comes, false when it closes or none comes in time. */
function pong(ch: Channel): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)
    ch.onMessage((m) => {
      clearTimeout(timer)
      resolve((m as { t?: unknown })?.t === 'pong')
    })
    ch.onClose(() => {
      clearTimeout(timer)
      resolve(false)
    })
    ch.send({ t: 'ping' })
  })
}
