/**
 * Counts the bytes a libp2p node sends and receives on its transport connections (after
 * encryption and muxing: what really crosses the wire), through libp2p's `metrics` hook.
 * Covers stream transports (memory, TCP, WebSockets); WebRTC connections carry data on
 * data channels, not through the connection object, and are not counted.
 */
import type { Metrics, MultiaddrConnection } from '@libp2p/interface'

export interface ByteCount {
  sent: number
  received: number
}

/** A `metrics` component factory for libp2p options, and the running totals it fills. */
export function byteCounter(): { count: ByteCount; metrics: () => Metrics } {
  const count: ByteCount = { sent: 0, received: 0 }
  const noop = () => {}
  const metric = { update: noop, increment: noop, decrement: noop, reset: noop, observe: noop, timer: () => noop }
  const metrics = {
    trackMultiaddrConnection(maConn: MultiaddrConnection) {
      // Wrap the transport's read hook rather than adding a 'message' listener: a listener
      // added before the upgrader's own would receive (and swallow) the first bytes.
      const hooked = maConn as unknown as { onData?: (data: { byteLength: number }) => void }
      const onData = hooked.onData?.bind(maConn)
      if (onData) {
        hooked.onData = (data) => {
          count.received += data.byteLength
          onData(data)
        }
      }
      const send = maConn.send.bind(maConn)
      maConn.send = (data) => {
        count.sent += data.byteLength
        return send(data)
      }
    },
    trackProtocolStream: noop,
    registerMetric: () => metric,
    registerMetricGroup: () => metric,
    registerCounter: () => metric,
    registerCounterGroup: () => metric,
    registerHistogram: () => metric,
    registerHistogramGroup: () => metric,
    registerSummary: () => metric,
    registerSummaryGroup: () => metric,
    traceFunction: <F>(_name: string, fn: F) => fn,
    createTrace: () => undefined,
  }
  return { count, metrics: () => metrics as unknown as Metrics }
}
