/**
 * The streams wire protocol on `/mosaik/<net>/streams/1` (one libp2p stream per
 * subscription, length-prefixed CBOR frames):
 *
 * ```
 * consumer → producer   { t: 'sub', net, stream, window, criteria }   first frame, within 5 s
 * producer → consumer   { t: 'probe' }, answered at once with { t: 'probe' }: the producer's
 *                       RTT sample, taken before `require` runs (mosaik samples QUIC's);
 *                       one per subscription, a second one is a protocol violation
 * producer → consumer   { t: 'start', net, stream, window }           accepted; window ≤ asked
 *                       { t: 'close', reason }                        refused (then closed)
 * producer → consumer   { t: 'd', v: <CBOR bytes of one datum> }     at most `window` unacked
 * consumer → producer   { t: 'ack', n }                               n datums taken by the app
 * either way            { t: 'k' }                                    keepalive while idle
 * either way            { t: 'close', reason }                        graceful end with a reason
 * ```
 *
 * A consumer whose `require` needs an RTT it has not measured first opens a channel that
 * carries only `{ t: 'ping' }` → `{ t: 'pong' }` (mosaik pings before subscribing).
 *
 * A datum travels as its own CBOR bytes, encoded once for every consumer and decoded by
 * the consumer only after its size was checked. Every parser here returns undefined for
 * anything of the wrong shape: a peer's frame is never trusted.
 */
import { MAX_WINDOW } from './config.js'

/** Why a subscription ended (mosaik's close reason codes, as names). */
export type StreamCloseReason =
  | 'stream-not-found' // 10_404
  | 'not-allowed' // 10_403
  | 'no-capacity' // 10_509
  | 'too-slow' // 10_413
  | 'unknown-peer'
  | 'wrong-network'
  | 'ticket-expired'
  | 'shutdown'
  | 'unsubscribed'

const REASONS: ReadonlySet<string> = new Set<StreamCloseReason>([
  'stream-not-found',
  'not-allowed',
  'no-capacity',
  'too-slow',
  'unknown-peer',
  'wrong-network',
  'ticket-expired',
  'shutdown',
  'unsubscribed',
])

export { MAX_WINDOW }

export type SubscribeFrame = { t: 'sub'; net: string; stream: string; window: number; criteria: Record<string, never> }
export type StartFrame = { t: 'start'; net: string; stream: string; window: number }
export type DataFrame = { t: 'd'; v: Uint8Array }
export type AckFrame = { t: 'ack'; n: number }
export type KeepaliveFrame = { t: 'k' }
export type CloseFrame = { t: 'close'; reason: StreamCloseReason }
export type ProbeFrame = { t: 'probe' }

/** What a producer may receive after the subscribe frame. */
export type ToProducer = AckFrame | KeepaliveFrame | CloseFrame
/** What a consumer may receive after the start frame. */
export type ToConsumer = DataFrame | KeepaliveFrame | CloseFrame

const HEX64 = /^[0-9a-f]{64}$/

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
}

function isWindow(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) <= MAX_WINDOW
}

/** A consumer's first frame: a subscription, or a ping that asks only for a pong. */
export function parseFirst(raw: unknown): SubscribeFrame | { t: 'ping' } | undefined {
  if (isRecord(raw) && raw.t === 'ping') return { t: 'ping' }
  return parseSubscribe(raw)
}

export function parseSubscribe(raw: unknown): SubscribeFrame | undefined {
  if (!isRecord(raw) || raw.t !== 'sub') return undefined
  const { net, stream, window } = raw
  if (typeof net !== 'string' || !HEX64.test(net) || typeof stream !== 'string' || !HEX64.test(stream)) return undefined
  if (!isWindow(window)) return undefined
  return { t: 'sub', net, stream, window, criteria: {} }
}

/** The producer's answers before data: a probe, then a start or a refusal. */
export function parseStartOrClose(raw: unknown): StartFrame | CloseFrame | ProbeFrame | undefined {
  if (!isRecord(raw)) return undefined
  if (raw.t === 'close') return parseClose(raw)
  if (raw.t === 'probe') return { t: 'probe' }
  if (raw.t !== 'start') return undefined
  const { net, stream, window } = raw
  if (typeof net !== 'string' || !HEX64.test(net) || typeof stream !== 'string' || !HEX64.test(stream)) return undefined
  if (!isWindow(window)) return undefined
  return { t: 'start', net, stream, window }
}

export function parseToProducer(raw: unknown): ToProducer | undefined {
  if (!isRecord(raw)) return undefined
  if (raw.t === 'ack')
    return Number.isSafeInteger(raw.n) && (raw.n as number) >= 1 ? { t: 'ack', n: raw.n as number } : undefined
  if (raw.t === 'k') return { t: 'k' }
  if (raw.t === 'close') return parseClose(raw)
  return undefined
}

export function parseToConsumer(raw: unknown, maxDatumBytes: number): ToConsumer | 'oversized' | undefined {
  if (!isRecord(raw)) return undefined
  if (raw.t === 'd') {
    if (!(raw.v instanceof Uint8Array)) return undefined
    return raw.v.length > maxDatumBytes ? 'oversized' : { t: 'd', v: raw.v }
  }
  if (raw.t === 'k') return { t: 'k' }
  if (raw.t === 'close') return parseClose(raw)
  return undefined
}

function parseClose(raw: Record<string, unknown>): CloseFrame | undefined {
  return typeof raw.reason === 'string' && REASONS.has(raw.reason)
    ? { t: 'close', reason: raw.reason as StreamCloseReason }
    : undefined
}
