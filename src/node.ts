/** `mosaik-react/node`: Node-only relay server and CLI. */
export * from './node/index.js'
