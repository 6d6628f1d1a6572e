import type { Connection, Libp2p, PeerId as Libp2pPeerId, Stream } from '@libp2p/interface'
import { type Clock, SystemClock } from '../core/clock.js'
import type { ChannelContext } from './channel.js'
import { DialWatchers } from './dial-progress.js'
import { IdentifiedConnections } from './identified.js'

/** Hints one peer may give us per this many ms; more are dropped. */
export const HINT_INTERVAL_MS = 250
/** Bound of sending one hint. */
const SEND_TIMEOUT_MS = 2_000

/**
 * "Your WebRTC dial to me died": when a WebRTC setup fails as it completes, the side that
 * accepted it sees its connection close at once, while the side that dialed waits, for its
 * whole attempt bound, for a data channel that never opens (it cannot see the failure). The
 * accepting side tells the dialer so over any connection they share (the relayed circuit the
 * WebRTC setup was signalled on), by opening a stream on `protocol`; the dialer abandons its
 * dials to that peer that have no connection yet (`DialWatchers.abandon`) and the next attempt
 * starts over at once.
 *
 * A hint carries no bytes and can only make us redial the peer that sent it, which that peer
 * could as well refuse to answer; hints from one peer beyond one per `HINT_INTERVAL_MS` are
 * dropped.
 */
export class DialHints {
  readonly #libp2p: Libp2p
  readonly #protocol: string
  readonly #identified: IdentifiedConnections
  readonly #lastHint = new Map<string, number>()
  readonly #ctx: ChannelContext
  readonly #clock: Pick<Clock, 'now'>
  #stopped = false

  /**
   * A hint dropped for coming too soon after the last one from that peer is counted on `ctx`
   * (an `input.rejected` event); `clock` (the platform clock by default) times the interval.
   */
  constructor(libp2p: Libp2p, protocol: string, ctx: ChannelContext, clock: Pick<Clock, 'now'> = new SystemClock()) {
    this.#libp2p = libp2p
    this.#protocol = protocol
    this.#ctx = ctx
    this.#clock = clock
    this.#identified = new IdentifiedConnections(libp2p)
  }

  start(): void {
    this.#identified.start()
    this.#identified.onStillborn((c) => {
      if (c.direction === 'inbound') this.#tell(c.remotePeer)
    })
    this.#libp2p
      .handle(this.#protocol, this.#onHint, { runOnLimitedConnection: true, maxInboundStreams: 4 })
      .catch(() => {})
  }

  stop(): void {
    this.#stopped = true
    this.#identified.stop()
    this.#lastHint.clear()
    this.#libp2p.unhandle(this.#protocol).catch(() => {})
  }

  #tell(peer: Libp2pPeerId): void {
    if (this.#stopped) return
    const via = this.#libp2p.getConnections(peer).find((c) => c.status === 'open')
    if (!via) return
    via
      .newStream(this.#protocol, { runOnLimitedConnection: true, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) })
      .then((s) => s.close())
      .catch(() => {
        // The peer is gone or does not speak it: its attempt bound ends its dial instead.
      })
  }

  readonly #onHint = (stream: Stream, connection: Connection): void => {
    stream.abort(new Error('hint received'))
    if (this.#stopped) return
    const peer = connection.remotePeer.toString()
    const now = this.#clock.now()
    if (now - (this.#lastHint.get(peer) ?? Number.NEGATIVE_INFINITY) < HINT_INTERVAL_MS) {
      this.#ctx.emitTelemetry({
        type: 'input.rejected',
        at: now,
        peer: this.#ctx.peerId,
        remote: peer,
        protocol: this.#protocol,
        reason: 'protocol',
        detail: `more than one dial hint per ${HINT_INTERVAL_MS} ms`,
      })
      return
    }
    this.#lastHint.set(peer, now)
    // Bounded: one entry per peer that sent a hint lately.
    if (this.#lastHint.size > 1_024)
      for (const [p, at] of this.#lastHint) if (now - at >= HINT_INTERVAL_MS) this.#lastHint.delete(p)
    DialWatchers.of(this.#libp2p).abandon(peer, new Error(`${peer} saw our WebRTC dial die as it opened`), true)
  }
}
