/**
 * Raw round trips between two bare libp2p nodes (no mosaik code), per transport. Used by
 * the raw-rtt benchmark and, cached, as the limit beside single-node figures (a group of one
 * has no peer connection of its own to measure).
 */
import type { Libp2p } from '@libp2p/interface'
import { measureRtt, serveEcho } from './rtt.js'
import { type Summary, summarize } from './stats.js'
import { type BenchTransport, connectDirect, dialRelay, rawNode, rawRelay } from './transports.js'

export interface BareRtt {
  readonly remoteAddr: string
  readonly bySize: ReadonlyMap<number, number[]>
}

export async function measureBareRtt(
  transport: BenchTransport,
  opts: { samples: number; warmup: number; sizes: readonly number[] },
): Promise<BareRtt> {
  const started: Libp2p[] = []
  try {
    let relay: Libp2p | undefined
    if (transport === 'webrtc') {
      relay = await rawRelay()
      started.push(relay)
    }
    const a = await rawNode(transport)
    const b = await rawNode(transport)
    started.push(a, b)
    if (relay) await Promise.all([dialRelay(a, relay), dialRelay(b, relay)])
    await serveEcho(b)
    const conn = await connectDirect(a, b, transport)
    const bySize = new Map<number, number[]>()
    for (const bytes of opts.sizes) {
      bySize.set(bytes, await measureRtt(conn, { samples: opts.samples, warmup: opts.warmup, bytes }))
    }
    return { remoteAddr: conn.remoteAddr.toString(), bySize }
  } finally {
    await Promise.allSettled(started.map((n) => n.stop()))
  }
}

/**
 * `measureBareRtt`, up to three times: a WebRTC dial through the relay now and then hangs until
 * its timeout, and the baseline is worth a retry. `log` hears of each failed attempt.
 */
export async function measureBareRttRetrying(
  transport: BenchTransport,
  opts: { samples: number; warmup: number; sizes: readonly number[] },
  log: (message: string) => void = () => {},
): Promise<BareRtt> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measureBareRtt(transport, opts)
    } catch (err) {
      if (attempt >= 3) throw err
      log(`bare round trip on ${transport}: attempt ${attempt} failed (${(err as Error).message}); retrying`)
    }
  }
}

const cache = new Map<BenchTransport, Promise<Summary>>()

/** Median-ready summary of 64-byte round trips between bare nodes; measured once per process (a failure is not kept). */
export function bareRtt(transport: BenchTransport, log?: (message: string) => void): Promise<Summary> {
  let p = cache.get(transport)
  if (!p) {
    p = measureBareRttRetrying(transport, { samples: 200, warmup: 50, sizes: [64] }, log).then((r) =>
      summarize(r.bySize.get(64) ?? []),
    )
    cache.set(transport, p)
    p.catch(() => cache.delete(transport))
  }
  return p
}
