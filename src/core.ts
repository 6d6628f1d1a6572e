/**
 * `mosaik-react/core`: everything without React: ids, the codec, networks, discovery,
 * groups, collections and streams. Each name is listed: what is not exported here is internal
 * (docs/API.md lists the public API).
 */

export * from './collections/index.js'
export * from './core/index.js'
export * from './discovery/index.js'
export * from './groups/index.js'
export * from './network/index.js'
export * from './streams/index.js'
export * from './tickets/index.js'
