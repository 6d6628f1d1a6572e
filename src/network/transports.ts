import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import type { Libp2pOptions } from 'libp2p'

/** A named transport preset, or a caller's own libp2p options (merged with ours). */
export type TransportPreset = 'memory' | 'browser' | 'node'
export type TransportOption = TransportPreset | Libp2pOptions

/** What a preset contributes to the libp2p options: transports, listen addresses, gater. */
export type TransportConfig = Pick<Libp2pOptions, 'transports' | 'addresses' | 'connectionGater'>

/** True when running in a browser-like environment (no `process.versions.node`). */
export function isBrowser(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process
  return typeof p?.versions?.node !== 'string'
}

/** `'browser'` in browsers, `'node'` in Node. */
export function defaultPreset(): TransportPreset {
  return isBrowser() ? 'browser' : 'node'
}

/**
 * Public STUN servers, the same list `@libp2p/webrtc` uses when given no `iceServers`. STUN
 * lets two peers behind (most) NATs learn their public address; it relays no data. Peers
 * behind symmetric NATs or UDP-blocking firewalls also need a TURN server (see README).
 */
export const DEFAULT_ICE_SERVERS: readonly RTCIceServer[] = Object.freeze([
  { urls: ['stun:stun.l.google.com:19302'] },
  { urls: ['stun:global.stun.twilio.com:3478'] },
  { urls: ['stun:stun.cloudflare.com:3478'] },
  { urls: ['stun:stun.services.mozilla.com:3478'] },
])

/** Listen addresses that make a peer reachable over WebRTC through any relay it reserves a slot on. */
const RELAYED_WEBRTC_LISTEN = ['/p2p-circuit', '/webrtc']

/**
 * Builds the transport part of the libp2p options for a preset.
 *
 * - `memory`: `@libp2p/memory` (imported on use), listening on a fresh `/memory/<random>` address.
 * - `browser`: WebRTC + WebSockets (any address, including `ws://127.0.0.1`, may be dialed) +
 *   circuit relay for WebRTC signalling.
 * - `node`: TCP + WebSockets (dial) + WebRTC + circuit relay. `@libp2p/tcp` is imported
 *   dynamically so browser bundles never pull it in.
 *
 * `listen` replaces the preset's default listen addresses. `iceServers` are WebRTC's STUN /
 * TURN servers: `DEFAULT_ICE_SERVERS` (public STUN) when absent, `[]` for loopback and LAN
 * only (no request leaves the machine; what tests and `npm start` use).
 */
export async function transportConfig(
  preset: TransportPreset,
  listen?: string[],
  iceServers?: readonly RTCIceServer[],
): Promise<TransportConfig> {
  const rtcConfiguration = { iceServers: [...(iceServers ?? DEFAULT_ICE_SERVERS)] }
  switch (preset) {
    case 'memory': {
      // Imported on use, like TCP: an app that never runs in memory does not ship it.
      const { memory } = await import('@libp2p/memory')
      return {
        transports: [memory()],
        addresses: { listen: listen ?? [`/memory/${randomName()}`] },
      }
    }
    case 'browser':
      return {
        transports: [webRTC({ rtcConfiguration }), webSockets(), circuitRelayTransport()],
        addresses: { listen: listen ?? RELAYED_WEBRTC_LISTEN },
        // The default gater refuses private addresses; a local relay is the normal case here.
        connectionGater: { denyDialMultiaddr: () => false },
      }
    case 'node': {
      const { tcp } = await import('@libp2p/tcp')
      return {
        transports: [tcp(), webSockets(), webRTC({ rtcConfiguration }), circuitRelayTransport()],
        addresses: { listen: listen ?? ['/ip4/0.0.0.0/tcp/0', ...RELAYED_WEBRTC_LISTEN] },
        connectionGater: { denyDialMultiaddr: () => false },
      }
    }
  }
}

function randomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
