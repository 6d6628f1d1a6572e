/**
 * The four snapshot-synced collections behind one interface, so mosaik's sync scenarios
 * (tests/collections/sync/{map,vec,set,depq}.rs, which are the same scenarios per kind)
 * run once per kind. Item `i` with salt `s` is: map `i → 10i+s`, vec element `10i+s` at
 * position `i`, set element `10i+s`, queue key `i` at priority `i` with value `10i+s`.
 */
import type { CollectionReader } from '../../../src/collections/collection-types.js'
import { type MapReader, type MapWriter, ReplicatedMap } from '../../../src/collections/map.js'
import { PriorityQueue, type PriorityQueueReader, type PriorityQueueWriter } from '../../../src/collections/pq.js'
import { ReplicatedSet, type SetReader, type SetWriter } from '../../../src/collections/set.js'
import { Vec, type VecReader, type VecWriter } from '../../../src/collections/vec.js'
import type { SyncConfig } from '../../../src/groups/config.js'
import type { Network } from '../../../src/network/network.js'
import { fast } from '../collection-harness.js'

export type Handle = CollectionReader & { close(): Promise<void> }

export interface Kind<W extends Handle = Handle, R extends Handle = Handle> {
  readonly name: 'map' | 'vec' | 'set' | 'depq'
  writer(net: Network, store: string, sync?: Partial<SyncConfig>): W
  reader(net: Network, store: string, sync?: Partial<SyncConfig>): R
  /** One command adding item `i`. */
  insert(w: W, i: number, salt?: number): Promise<number>
  /** One command adding items `[from, to)`. */
  extend(w: W, from: number, to: number, salt?: number): Promise<number>
  clear(w: W): Promise<number>
  /** The replica's content in a canonical form. */
  dump(r: R): unknown[]
  /** What `dump` gives for items `[from, to)`. */
  model(from: number, to: number, salt?: number): unknown[]
  /** Item `i` (with its salt) is present. */
  has(r: R, i: number, salt?: number): boolean
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k)
const byFirst = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number)

export const mapKind: Kind<MapWriter<number, number>, MapReader<number, number>> = {
  name: 'map',
  writer: (net, store, sync) => ReplicatedMap.writer<number, number>(net, store, fast({ sync })),
  reader: (net, store, sync) => ReplicatedMap.reader<number, number>(net, store, fast({ sync })),
  insert: (w, i, s = 0) => w.insert(i, 10 * i + s),
  extend: (w, from, to, s = 0) => w.extend(range(from, to).map((i) => [i, 10 * i + s] as const)),
  clear: (w) => w.clear(),
  dump: (r) => [...r.entries()].sort(byFirst),
  model: (from, to, s = 0) => range(from, to).map((i) => [i, 10 * i + s]),
  has: (r, i, s = 0) => r.get(i) === 10 * i + s,
}

export const vecKind: Kind<VecWriter<number>, VecReader<number>> = {
  name: 'vec',
  writer: (net, store, sync) => Vec.writer<number>(net, store, fast({ sync })),
  reader: (net, store, sync) => Vec.reader<number>(net, store, fast({ sync })),
  insert: (w, i, s = 0) => w.pushBack(10 * i + s),
  extend: (w, from, to, s = 0) => w.extend(range(from, to).map((i) => 10 * i + s)),
  clear: (w) => w.clear(),
  dump: (r) => [...r.values()],
  model: (from, to, s = 0) => range(from, to).map((i) => 10 * i + s),
  has: (r, i, s = 0) => r.contains(10 * i + s),
}

export const setKind: Kind<SetWriter<number>, SetReader<number>> = {
  name: 'set',
  writer: (net, store, sync) => ReplicatedSet.writer<number>(net, store, fast({ sync })),
  reader: (net, store, sync) => ReplicatedSet.reader<number>(net, store, fast({ sync })),
  insert: (w, i, s = 0) => w.insert(10 * i + s),
  extend: (w, from, to, s = 0) => w.extend(range(from, to).map((i) => 10 * i + s)),
  clear: (w) => w.clear(),
  dump: (r) => [...r.values()].sort((a, b) => a - b),
  model: (from, to, s = 0) => range(from, to).map((i) => 10 * i + s),
  has: (r, i, s = 0) => r.contains(10 * i + s),
}

type Pq = PriorityQueueWriter<number, number, number>
type PqR = PriorityQueueReader<number, number, number>
export const depqKind: Kind<Pq, PqR> = {
  name: 'depq',
  writer: (net, store, sync) => PriorityQueue.writer<number, number, number>(net, store, fast({ sync })),
  reader: (net, store, sync) => PriorityQueue.reader<number, number, number>(net, store, fast({ sync })),
  insert: (w, i, s = 0) => w.insert(i, i, 10 * i + s),
  extend: (w, from, to, s = 0) => w.extend(range(from, to).map((i) => [i, i, 10 * i + s] as const)),
  clear: (w) => w.clear(),
  dump: (r) => r.iterAsc().map((e) => [...e]),
  model: (from, to, s = 0) => range(from, to).map((i) => [i, i, 10 * i + s]),
  has: (r, i, s = 0) => r.get(i) === 10 * i + s && r.getPriority(i) === i,
}
