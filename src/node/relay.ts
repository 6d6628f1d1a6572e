import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { IdLike } from '../core/id.js'
import { Network } from '../network/network.js'
import type { TicketValidator } from '../tickets/validator.js'

export interface RelayOptions {
  /** TCP port of the WebSockets listener; 0 picks a free one. Default 0. */
  port?: number
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string
  /** The network whose discovery (gossip + catalog exchange) the relay joins. Default `'mosaik'`. */
  network?: IdLike
  /** Ed25519 key (32-byte seed or 64-byte raw) for a stable relay peer id across restarts. */
  secretKey?: Uint8Array
  /**
   * Serve discovery only to peers whose entry holds a valid ticket for each validator: others'
   * announces are neither stored nor forwarded, and they get no catalog from the relay.
   */
  requireTicket?: readonly TicketValidator[]
}

export interface Relay {
  /** WebSockets multiaddrs (with `/p2p/<relay id>`) that peers bootstrap from. */
  readonly addresses: string[]
  /** The relay's own network peer (escape hatch, tests). */
  readonly network: Network
  /** Stops the relay; idempotent; closes every socket it opened. */
  stop(): Promise<void>
}

/**
 * Starts a bootstrap relay: a circuit-relay-v2 server (so browsers and NATed peers can
 * reserve a slot and be reached, and WebRTC can be signalled through it) listening on
 * WebSockets, which also joins one network's gossipsub and catalog exchange, so peers that
 * only know the relay learn of each other from it.
 *
 * ```ts
 * const relay = await startRelay({ port: 9090, network: 'my-app' })
 * await Network.create({ network: 'my-app', bootstrap: relay.addresses })
 * ```
 */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 0
  const network = await Network.create({
    network: options.network ?? 'mosaik',
    ...(options.secretKey && { secretKey: options.secretKey }),
    transport: {
      transports: [tcp(), webSockets()],
      addresses: { listen: [`/ip4/${host}/tcp/${port}/ws`] },
      connectionGater: { denyDialMultiaddr: () => false },
      connectionManager: { maxConnections: 1_000 },
      services: {
        relay: circuitRelayServer({
          reservations: {
            maxReservations: 1_000,
            // Signalling WebRTC and swapping catalogs take little; leave headroom for both.
            defaultDataLimit: 1n << 24n,
            defaultDurationLimit: 10 * 60_000,
          },
        }),
      },
    },
    // The relay answers and forwards; peers dial each other, not the relay them.
    discovery: { dialPeers: false, ...(options.requireTicket && { requireTicket: options.requireTicket }) },
  })
  return {
    addresses: network.addresses(),
    network,
    stop: () => network.stop(),
  }
}
