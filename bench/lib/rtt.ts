/**
 * The physical limit: the round trip of a raw libp2p stream. An echo protocol on one node,
 * one stream opened from the other over an existing connection, and a small message sent
 * and awaited back, one at a time. No framing, no CBOR, no consensus: the least any
 * replicated write can cost is one of these.
 */
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { now, within } from './stats.js'

export const ECHO_PROTOCOL = '/mosaik-bench/echo/1'

/** Makes `node` echo every chunk it receives on `ECHO_PROTOCOL`. Idempotent. */
export async function serveEcho(node: Libp2p): Promise<void> {
  if (node.getProtocols().includes(ECHO_PROTOCOL)) return
  await node.handle(
    ECHO_PROTOCOL,
    (stream: Stream) => {
      stream.addEventListener('message', (evt) => {
        stream.send(evt.data)
      })
      stream.addEventListener('remoteCloseWrite', () => {
        void stream.close().catch(() => {})
      })
    },
    { runOnLimitedConnection: true, maxInboundStreams: 1024 },
  )
}

export interface RttOptions {
  /** Round trips recorded. */
  samples: number
  /** Round trips done first and not recorded (JIT, congestion window, ICE settling). */
  warmup?: number
  /** Payload size in bytes (default 64: about one small consensus message). */
  bytes?: number
}

/**
 * Round-trip times in ms of `samples` echoes over `conn`, whose remote end must `serveEcho`.
 * Each round trip sends `bytes` bytes and waits until all of them came back.
 */
export async function measureRtt(conn: Connection, opts: RttOptions): Promise<number[]> {
  const bytes = opts.bytes ?? 64
  const warmup = opts.warmup ?? 20
  const stream = await conn.newStream(ECHO_PROTOCOL, { runOnLimitedConnection: true })
  const payload = new Uint8Array(bytes).fill(7)
  let received = 0
  let wake: (() => void) | undefined
  stream.addEventListener('message', (evt) => {
    received += evt.data.byteLength
    if (received >= bytes && wake) {
      const w = wake
      wake = undefined
      w()
    }
  })
  const once = async (): Promise<number> => {
    received = 0
    const arrived = new Promise<void>((resolve) => {
      wake = resolve
    })
    const t0 = now()
    stream.send(payload)
    await within(10_000, `an echo of ${bytes} bytes over ${conn.remoteAddr}`, arrived)
    return now() - t0
  }
  try {
    return await rounds(once, warmup, opts.samples)
  } finally {
    await stream.close().catch(() => stream.abort(new Error('bench rtt done')))
  }
}

/** `warmup` round trips not recorded, then `samples` recorded ones, one after another. */
async function rounds(once: () => Promise<number>, warmup: number, samples: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await once()
  const out: number[] = []
  for (let i = 0; i < samples; i++) out.push(await once())
  return out
}

/**
 * The physical limit of a commit among three peers in one process: one peer sends the payload
 * to every peer of `conns` at once and waits for the first full echo (a group of three commits
 * on the leader plus one follower). On one machine the echoes share one CPU, so this is what a
 * fan-out of AppendEntries costs at the least. Round-trip times in ms.
 */
export async function measureFanOutRtt(conns: readonly Connection[], opts: RttOptions): Promise<number[]> {
  const bytes = opts.bytes ?? 64
  const warmup = opts.warmup ?? 20
  const streams = await Promise.all(conns.map((c) => c.newStream(ECHO_PROTOCOL, { runOnLimitedConnection: true })))
  const payload = new Uint8Array(bytes).fill(7)
  const received = streams.map(() => 0)
  let first: (() => void) | undefined
  let all: (() => void) | undefined
  let complete = 0
  streams.forEach((stream, i) => {
    stream.addEventListener('message', (evt) => {
      const before = received[i] as number
      received[i] = before + evt.data.byteLength
      if (before >= bytes || (received[i] as number) < bytes) return
      const f = first
      first = undefined
      f?.()
      if (++complete === streams.length) all?.()
    })
  })
  const once = async (): Promise<number> => {
    received.fill(0)
    complete = 0
    const firstBack = new Promise<void>((resolve) => {
      first = resolve
    })
    const allBack = new Promise<void>((resolve) => {
      all = resolve
    })
    const t0 = now()
    for (const s of streams) s.send(payload)
    await within(10_000, `the first of ${streams.length} echoes of ${bytes} bytes`, firstBack)
    const t = now() - t0
    // The next round starts once every echo is back, as the next AppendEntries would.
    await within(10_000, `all ${streams.length} echoes of ${bytes} bytes`, allBack)
    return t
  }
  try {
    return await rounds(once, warmup, opts.samples)
  } finally {
    for (const s of streams) await s.close().catch(() => s.abort(new Error('bench rtt done')))
  }
}
