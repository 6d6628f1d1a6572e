/**
 * mosaik's collection names, for `import { collections } from 'mosaik-react/core'`:
 * `collections.Map` and `collections.Set` without shadowing the globals.
 */
export { Cell } from './cell.js'
export { ReplicatedMap as Map } from './map.js'
export { Once } from './once.js'
export { PriorityQueue } from './pq.js'
export { ReplicatedSet as Set } from './set.js'
export { Vec } from './vec.js'
