import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import type { IdLike } from '../core/id.js'
import { Network } from '../network/network.js'
import type { TicketValidator } from '../tickets/validator.js'
import { loadOrCreateKeyFile } from './key-file.js'

export interface RelayOptions {
  /** TCP port of the WebSockets listener; 0 picks a free one. Default 0. */
  port?: number
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string
  /** The network whose discovery (catalog exchange and announce pushes) the relay joins. Default `'mosaik'`. */
  network?: IdLike
  /** Ed25519 key (32-byte seed or 64-byte raw) for a stable relay peer id across restarts. */
  secretKey?: Uint8Array
  /**
   * Serve discovery only to peers whose entry holds a valid ticket for each validator: others'
   * announces are neither stored nor forwarded, and they get no catalog from the relay.
   */
  requireTicket?: readonly TicketValidator[]
  /**
   * A file holding the relay's identity: read if it exists, created (mode 0600) with a fresh
   * key otherwise. Same key file + same port = same multiaddr after every restart, so the
   * address baked into an app keeps working. Ignored when `secretKey` is given.
   */
  keyFile?: string
  /**
   * Public multiaddrs to announce instead of the listen address, e.g. the TLS reverse
   * proxy in front of the relay: `/dns4/relay.example.com/tcp/443/wss`. Peers learn these
   * (with `/p2p/<relay id>` appended) and dial them.
   */
  announce?: string[]
}

export interface Relay {
  /** WebSockets multiaddrs (with `/p2p/<relay id>`) that peers bootstrap from. */
  readonly addresses: string[]
  /** Where the relay itself listens (differs from `addresses` when `announce` is set). */
  readonly listening: string[]
  /** True when `keyFile` did not exist and a new identity was written to it. */
  readonly createdKey: boolean
  /** The relay's own network peer (escape hatch, tests). */
  readonly network: Network
  /** Stops the relay; idempotent; closes every socket it opened. */
  stop(): Promise<void>
}

/**
 * Starts a bootstrap relay: a circuit-relay-v2 server (so browsers and NATed peers can
 * reserve a slot and be reached, and WebRTC can be signalled through it) listening on
 * WebSockets, which also joins one network's catalog exchange and announce flood, so peers that
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
  const fromFile = !options.secretKey && options.keyFile ? await loadOrCreateKeyFile(options.keyFile) : undefined
  const secretKey = options.secretKey ?? fromFile?.secretKey
  const announce = (options.announce ?? []).map((a) => multiaddr(a).toString())
  const network = await Network.create({
    network: options.network ?? 'mosaik',
    ...(secretKey && { secretKey }),
    transport: {
      transports: [tcp(), webSockets()],
      addresses: { listen: [`/ip4/${host}/tcp/${port}/ws`], ...(announce.length > 0 && { announce }) },
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
  const id = network.peerId
  const withId = (a: string) => (a.includes(`/p2p/${id}`) ? a : `${a}/p2p/${id}`)
  return {
    addresses: network.addresses().map(withId),
    listening: listenAddrs(network).map(withId),
    createdKey: fromFile?.created ?? false,
    network,
    stop: () => network.stop(),
  }
}

// The bound listen addresses (the port 0 resolved). libp2p's public API only shows the
// announced ones; its node object also carries the transport manager, which knows.
function listenAddrs(network: Network): string[] {
  const node = network.libp2p as unknown as { components?: { transportManager?: { getAddrs(): unknown[] } } }
  const addrs = node.components?.transportManager?.getAddrs().map(String)
  return addrs && addrs.length > 0 ? addrs : network.addresses()
}
