/**
 * Discovery: who else is in this network, and how to reach them.
 *
 * Each peer signs an entry (peer id, network id, addresses, tags, groups, tickets,
 * version = start time + update time) with its libp2p key and spreads it by announces
 * pushed to its direct neighbours (every 2–5 s and at once on change), who pass each new
 * version on once, and by a full catalog exchange whenever two peers connect. Receivers verify the signature against the peer id before the entry
 * counts; unsigned, forged, wrong-network, oversized and stale entries are dropped and
 * counted (`discovery.rejected()`, `input.rejected` telemetry). Peers found are dialed
 * (WebRTC through a relay where possible) and redialed when their connection drops.
 *
 * ```ts
 * const net = await Network.create({ network: 'demo', bootstrap: [relayAddr], tags: ['writer'] })
 * net.discovery.onEvent((e) => console.log(e.type, e.entry.peerId))
 * net.discovery.catalog() // ReadonlyMap<PeerId, PeerEntry>, identity stable until it changes
 * ```
 */
export * from './catalog.js'
export * from './config.js'
export * from './dialer.js'
export * from './discovery.js'
export * from './entry.js'
export * from './exchange.js'
export * from './ticket-refresh.js'
