import type { CollectionKind, CollectionReader } from '../collections/collection-types.js'
import { ReplicatedMap } from '../collections/map.js'
import { Once } from '../collections/once.js'
import { PriorityQueue } from '../collections/pq.js'
import { ReplicatedSet } from '../collections/set.js'
import { Vec } from '../collections/vec.js'
import { type IdLike, type StoreId, UniqueId } from '../core/id.js'
import type { Network } from '../network/network.js'
import type { HandleRole } from '../observe/handle-entry.js'
import { stableKey } from './stable-key.js'

/** A collection declared with `defineMap`, `defineVec`, … (structural: any declaration with these members). */
export interface CollectionDefLike<W, R> {
  readonly kind: CollectionKind
  readonly storeId: StoreId
  readonly options?: object | undefined
  writer(network: Network): W
  reader(network: Network): R
}

/** A collection argument of the hooks: a store id or a declaration. */
export type CollectionInput<W = unknown, R = unknown> = IdLike | CollectionDefLike<W, R>

/** Options of the collection hooks: the collection's options (when given by id, or merged over a declaration's) plus `suspense`. */
export interface UseCollectionOptions {
  /** Suspend until the collection is first online and caught up; never once it was online. */
  suspense?: boolean
  readonly [option: string]: unknown
}

type Opener = (network: Network, id: UniqueId, options: object) => CollectionReader
const OPEN: Record<CollectionKind, { writer: Opener; reader: Opener }> = {
  map: { writer: (n, id, o) => ReplicatedMap.writer(n, id, o), reader: (n, id, o) => ReplicatedMap.reader(n, id, o) },
  vec: { writer: (n, id, o) => Vec.writer(n, id, o), reader: (n, id, o) => Vec.reader(n, id, o) },
  set: { writer: (n, id, o) => ReplicatedSet.writer(n, id, o), reader: (n, id, o) => ReplicatedSet.reader(n, id, o) },
  once: { writer: (n, id, o) => Once.writer(n, id, o), reader: (n, id, o) => Once.reader(n, id, o) },
  pq: { writer: (n, id, o) => PriorityQueue.writer(n, id, o), reader: (n, id, o) => PriorityQueue.reader(n, id, o) },
}

/** A hook's collection argument, normalised: a key for sharing handles and a way to open one. */
export interface ResolvedCollection<H> {
  readonly key: string
  open(network: Network, role: HandleRole): H
}

function isDef(input: CollectionInput): input is CollectionDefLike<unknown, unknown> {
  return typeof input === 'object' && !(input instanceof UniqueId)
}

/**
 * Normalises a store id or a declaration plus hook options. A declaration of another kind
 * is a programming error and throws at once (a `useMapReader(SomeVec)` never opens a handle).
 */
export function resolveCollection<H>(
  kind: CollectionKind,
  input: CollectionInput,
  options: UseCollectionOptions | undefined,
): ResolvedCollection<H> {
  const { suspense: _suspense, ...rest }: Record<string, unknown> = { ...options }
  for (const k of Object.keys(rest)) if (rest[k] === undefined) delete rest[k]
  const extra = Object.keys(rest).length > 0 ? rest : undefined
  const opener = OPEN[kind]
  if (isDef(input)) {
    if (input.kind !== kind) throw new TypeError(`a ${input.kind} declaration was passed to a ${kind} hook`)
    const storeId = input.storeId.toString()
    if (!extra)
      return {
        key: `${storeId}|${stableKey(input.options ?? {})}`,
        open: (network, role) => (role === 'writer' ? input.writer(network) : input.reader(network)) as H,
      }
    const merged = { ...input.options, ...extra }
    return {
      key: `${storeId}|${stableKey(merged)}`,
      open: (network, role) => opener[role](network, input.storeId, merged) as H,
    }
  }
  const storeId = UniqueId.from(input)
  const opts = extra ?? {}
  return {
    key: `${storeId.toString()}|${stableKey(opts)}`,
    open: (network, role) => opener[role](network, storeId, opts) as H,
  }
}
