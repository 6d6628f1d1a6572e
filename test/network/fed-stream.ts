import type { Stream } from '@libp2p/interface'
import { encode } from '../../src/core/codec.js'
import { encodeFrame } from '../../src/core/framing.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { StreamChannel } from '../../src/network/channel.js'

/**
 * A stream the test feeds chunks into by hand, as the transport would hand them over.
 * `stalled`: its peer never reads (every send reports a full buffer, no drain ever comes).
 */
export function fedStream(options: { stalled?: boolean } = {}): {
  stream: Stream
  feed(chunk: Uint8Array): void
  aborted(): boolean
} {
  const stalled = options.stalled === true
  let aborted = false
  const target = new EventTarget()
  const stream = Object.assign(target, {
    protocol: '/test/1',
    direction: stalled ? 'outbound' : 'inbound',
    status: 'open',
    send: () => !stalled,
    abort: () => {
      aborted = true
    },
    close: async () => {},
    onDrain: stalled ? () => new Promise(() => {}) : async () => {},
  })
  return {
    stream: stream as unknown as Stream,
    feed: (chunk) => target.dispatchEvent(Object.assign(new Event('message'), { data: chunk })),
    aborted: () => aborted,
  }
}

/** The messages back to back as one chunk of frames. */
export function chunkOf(messages: readonly unknown[]): Uint8Array {
  const frames = messages.map((m) => encodeFrame(encode(m)))
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0))
  let at = 0
  for (const f of frames) {
    out.set(f, at)
    at += f.length
  }
  return out
}

/**
 * A channel from `local` to `remote` with a pre-handshake budget over a fed stream, the
 * `input.rejected` events it counts collected in `rejected`.
 */
export function budgetedChannel(preAuthBytes: number, remote = 'peer', local = 'me') {
  const s = fedStream()
  const rejected: Array<Extract<TelemetryEvent, { type: 'input.rejected' }>> = []
  const ch = new StreamChannel(
    s.stream,
    remote,
    { peerId: local, emitTelemetry: (e) => e.type === 'input.rejected' && rejected.push(e) },
    { preAuthBytes },
  )
  return { ...s, ch, rejected }
}
