/** `mosaik-react/core`: everything without React (ids, codec, network, discovery). */
export * from './core/index.js'
export * from './discovery/index.js'
export * from './network/index.js'
export * from './collections/index.js'
