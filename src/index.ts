/**
 * `mosaik-react`: everything browser-safe. The core (ids, codec, network, discovery,
 * collections: see `mosaik-react/core`) plus the React provider and hooks. Node-only pieces
 * (relay, CLI) live in `mosaik-react/node`.
 */
'use client'

export * from './core.js'
export * from './react/index.js'
