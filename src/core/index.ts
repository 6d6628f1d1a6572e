/**
 * Core primitives every layer stands on: 32-byte ids compatible with mosaik, the CBOR
 * codec, length-prefixed framing, errors, the `Watch` observable and the telemetry
 * event union. Nothing here imports libp2p or React.
 *
 * ```ts
 * import { UniqueId, encode, decode } from 'mosaik-react/core'
 * const store = UniqueId.from('app.config')     // blake3("app.config")
 * const group = store.derive('AppConfig')       // blake3(store || "AppConfig")
 * decode(encode(new Map([['k', 1n]])))          // Map { 'k' => 1n }
 * ```
 */
export * from './async.js'
export * from './clock.js'
export * from './codec.js'
export * from './errors.js'
export * from './framing.js'
export * from './id.js'
export * from './telemetry.js'
export * from './watch.js'
