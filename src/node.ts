/** `mosaik-react/node`: Node-only relay server, CLI and ticket issuing (docs/API.md "Node"). */
export * from './node/index.js'
