/** `mosaik-react/core`: everything without React (ids, codec, network, discovery). */

export * from './collections/index.js'
export * from './core/index.js'
export * from './discovery/index.js'
export * from './network/index.js'
