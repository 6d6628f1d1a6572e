/**
 * The network layer: one `Network` per peer owns a libp2p node, its transports and every
 * subsystem above it, and `stop()` ends them all without leaks.
 *
 * | piece        | what it guarantees                                                        |
 * |--------------|---------------------------------------------------------------------------|
 * | `Network`    | `create` → started peer; `dial` retries with backoff; `stop` idempotent     |
 * | `Channel`    | length-prefixed CBOR frames, ordered, bounded; bad input rejected + counted |
 * | transports   | `memory` (tests, one page), `browser` (WebRTC + WS + relay), `node` (TCP +) |
 * | `persist`    | durable journals per group (files / IndexedDB), identity, one live owner    |
 *
 * Protocols are namespaced by network id (`/mosaik/<id.short()>/<name>/1`), so peers of
 * different networks sharing one transport never exchange traffic.
 *
 * ```ts
 * import { Network } from 'mosaik-react/core'
 * const a = await Network.create({ network: 'demo', transport: 'memory' })
 * const b = await Network.create({ network: 'demo', transport: 'memory', bootstrap: a.addresses() })
 * a.handle('echo', (ch) => ch.onMessage((m) => ch.send(m)))
 * const ch = await b.openChannel(a.peerId, 'echo')
 * ch.onMessage((m) => console.log('echoed', m))
 * ch.send({ hello: 'world' })
 * await Promise.all([a.stop(), b.stop()])
 * ```
 */
export * from './bootstrap.js'
export * from './channel.js'
export * from './libp2p.js'
export * from './network.js'
export { type Journal, type JournalStore, PersistError, type PersistErrorKind } from './persist/journal.js'
export * from './retry.js'
export * from './status.js'
export * from './transports.js'
export type * from './types.js'
