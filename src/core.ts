/** `mosaik-react/core`: everything without React (ids, codec, network, discovery, groups, collections, streams). */

export * from './collections/index.js'
export * from './core/index.js'
export * from './discovery/index.js'
export * from './groups/index.js'
export * from './network/index.js'
export * from './streams/index.js'
