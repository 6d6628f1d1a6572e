import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { RetryOptions } from '../network/retry.js'
import type { ChannelConditions } from './conditions.js'
import type { ConsumerOptions, LaggingPolicy, PeerInfo, ProducerOptions, StreamTicketValidator } from './types.js'

/** A producer's options with defaults applied. */
export interface ProducerConfig {
  readonly require: ReadonlyArray<(peer: PeerInfo) => boolean>
  readonly tickets: readonly StreamTicketValidator[]
  readonly onlineWhen: (c: ChannelConditions) => ChannelConditions
  readonly maxConsumers: number
  readonly bufferSize: number
  readonly maxQueuedBytes: number
  readonly window: number
  readonly onLagging: LaggingPolicy
  readonly maxDatumBytes: number
  readonly schema: StandardSchemaV1<unknown> | undefined
}

/** Largest credit window either side asks or grants. */
export const MAX_WINDOW = 4_096
export const DEFAULT_MAX_DATUM_BYTES = 64 * 1024
/** Largest `maxDatumBytes` either side may set (the streams protocol's frames carry one datum). */
export const MAX_DATUM_BYTES = 1024 * 1024

/** Applies defaults; throws `RangeError` at once for a bad option, before anything loads or opens. */
export function producerConfig(options: ProducerOptions<unknown>): ProducerConfig {
  return {
    require: toList(options.require),
    tickets: toList(options.requireTicket),
    onlineWhen: options.onlineWhen ?? ((c) => c),
    maxConsumers: positive(options.maxConsumers, 1_024, 'maxConsumers'),
    bufferSize: positive(options.bufferSize ?? options.buffer, 1_024, 'bufferSize'),
    maxQueuedBytes: positive(options.maxQueuedBytes, 4 * 1024 * 1024, 'maxQueuedBytes'),
    window: Math.min(positive(options.window, 64, 'window'), MAX_WINDOW),
    onLagging: options.onLagging ?? 'disconnect',
    maxDatumBytes: atMost(positive(options.maxDatumBytes, DEFAULT_MAX_DATUM_BYTES, 'maxDatumBytes'), MAX_DATUM_BYTES),
    schema: options.schema,
  }
}

/** A consumer's numeric options with defaults applied. */
export interface ConsumerConfig {
  readonly window: number
  readonly maxDatumBytes: number
  readonly maxProducers: number
  readonly retry: RetryOptions
}

/**
 * Applies defaults; throws `RangeError` at once for a bad option (as `producerConfig`), so a
 * bad `window` is the app's error at `consume`, not a producer's refusal retried forever.
 */
export function consumerConfig(options: ConsumerOptions<unknown>): ConsumerConfig {
  return {
    window: Math.min(positive(options.window, 64, 'window'), MAX_WINDOW),
    maxDatumBytes: atMost(positive(options.maxDatumBytes, DEFAULT_MAX_DATUM_BYTES, 'maxDatumBytes'), MAX_DATUM_BYTES),
    maxProducers: positive(options.maxProducers, 256, 'maxProducers'),
    retry: retryOptions(options.retry ?? { attempts: 2 }),
  }
}

/** Checks a retry policy: a whole number of attempts, each with time to run, and no negative delay. */
function retryOptions(r: RetryOptions): RetryOptions {
  positive(r.attempts, 1, 'retry.attempts')
  atLeast(r.attemptTimeoutMs, Number.MIN_VALUE, 'retry.attemptTimeoutMs')
  atLeast(r.backoffMs, 0, 'retry.backoffMs')
  atLeast(r.maxBackoffMs, 0, 'retry.maxBackoffMs')
  atLeast(r.stallTimeoutMs, 0, 'retry.stallTimeoutMs')
  return r
}

function atLeast(v: number | undefined, min: number, name: string): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= min))
    throw new RangeError(`${name} must be a finite number${min > 0 ? ' > 0' : ' ≥ 0'}, got ${v}`)
}

/** One value or a list, as a list. */
export function toList<X>(v: X | readonly X[] | undefined): readonly X[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly X[]) : [v as X]
}

function atMost(v: number, max: number): number {
  if (v > max) throw new RangeError(`maxDatumBytes must be at most ${max}, got ${v}`)
  return v
}

function positive(v: number | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`)
  return v
}

/** Protocol name: `/mosaik/<net>/streams/1`. */
export const STREAMS_PROTOCOL = 'streams'
/** Largest frame of the streams protocol: the largest `maxDatumBytes` allowed, plus framing. */
export const MAX_STREAM_FRAME = MAX_DATUM_BYTES + 1024
/**
 * Largest frame a producer accepts from a consumer: what a consumer sends (subscribe, probe
 * answer, ping, acks, keepalives, close) is small, whoever it is, before or after admission.
 */
export const MAX_CONSUMER_FRAME = 1024
