/**
 * The three transports every benchmark is measured on, and bare libp2p nodes on each: the
 * baseline that the library's latencies are compared to. All nodes live in this process and
 * talk over loopback (127.0.0.1) or the in-memory transport.
 */

import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { Connection, Libp2p } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { until } from './stats.js'

export type BenchTransport = 'memory' | 'tcp' | 'webrtc'
export const ALL_TRANSPORTS: readonly BenchTransport[] = ['memory', 'tcp', 'webrtc']

let memorySeq = 0
const memoryAddr = () => `/memory/bench-${process.pid}-${++memorySeq}-${Math.random().toString(16).slice(2, 8)}`

/** A bare libp2p node (noise + yamux, identify), listening on `transport` over loopback. */
export async function rawNode(transport: BenchTransport): Promise<Libp2p> {
  const common = {
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
  }
  switch (transport) {
    case 'memory':
      return createLibp2p({ ...common, transports: [memory()], addresses: { listen: [memoryAddr()] } })
    case 'tcp':
      return createLibp2p({ ...common, transports: [tcp()], addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] } })
    case 'webrtc':
      return createLibp2p({
        ...common,
        transports: [webRTC({ rtcConfiguration: { iceServers: [] } }), webSockets(), circuitRelayTransport()],
        addresses: { listen: ['/p2p-circuit', '/webrtc'] },
        services: { identify: identify() },
      })
  }
}

/** A bare circuit-relay v2 server on ws://127.0.0.1, for WebRTC signalling between raw nodes. */
export async function rawRelay(): Promise<Libp2p> {
  return createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    services: {
      identify: identify(),
      relay: circuitRelayServer({ reservations: { maxReservations: 1024, applyDefaultLimit: false } }),
    },
  })
}

/**
 * Connects `a` to `b` directly on `transport` and returns the connection. For WebRTC, `b`
 * must first hold a reservation on a relay (`b` listens on `/p2p-circuit`); the dial goes to
 * its `/webrtc` address, so the resulting connection is a direct data channel, not relayed.
 */
export async function connectDirect(a: Libp2p, b: Libp2p, transport: BenchTransport): Promise<Connection> {
  if (transport !== 'webrtc') {
    return a.dial(b.getMultiaddrs())
  }
  await until(10_000, `${b.peerId} to announce a /webrtc address through its relay`, () =>
    b.getMultiaddrs().some((ma) => ma.toString().includes('/webrtc')),
  )
  const addrs = b.getMultiaddrs().filter((ma) => ma.toString().includes('/webrtc'))
  const conn = await a.dial(addrs)
  assertTransport(conn, transport)
  return conn
}

/** Throws if `conn` is not a direct connection on `transport` (relayed or another transport). */
export function assertTransport(conn: Connection, transport: BenchTransport): void {
  const addr = conn.remoteAddr.toString()
  const ok =
    transport === 'memory'
      ? addr.includes('/memory/')
      : transport === 'tcp'
        ? addr.includes('/tcp/') && !addr.includes('/p2p-circuit') && !addr.includes('/ws')
        : addr.includes('/webrtc') && conn.limits === undefined
  if (!ok) throw new Error(`expected a direct ${transport} connection, got ${addr}`)
}

/** The direct (unlimited) connection on `transport` from `a` to `peer`, if any. */
export function directConnection(a: Libp2p, peer: Libp2p['peerId'], transport: BenchTransport): Connection | undefined {
  return a.getConnections(peer).find((c) => {
    try {
      assertTransport(c, transport)
      return c.status === 'open'
    } catch {
      return false
    }
  })
}

export async function dialRelay(node: Libp2p, relay: Libp2p): Promise<void> {
  await node.dial(relay.getMultiaddrs().map((ma) => multiaddr(ma.toString())))
}
