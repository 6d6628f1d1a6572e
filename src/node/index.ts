/**
 * Node-only pieces: the bootstrap relay and the CLI. Never imported by the browser entry.
 *
 * ```ts
 * import { startRelay } from 'mosaik-react/node'
 * const relay = await startRelay({ host: '127.0.0.1', port: 9090, network: 'my-app' })
 * console.log(relay.addresses) // ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3Koo…']
 * await relay.stop()
 * ```
 *
 * Or from a shell: `npx mosaik-react relay --host 127.0.0.1 --port 9090 --network my-app`.
 */
export * from './cli.js'
export * from './relay.js'
export * from './tickets.js'
