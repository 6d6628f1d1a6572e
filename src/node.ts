/** `mosaik-react/node`: Node-only relay server and CLI (docs/API.md "Node"). */
export { main } from './node/cli.js'
export { type Relay, type RelayOptions, startRelay } from './node/relay.js'
