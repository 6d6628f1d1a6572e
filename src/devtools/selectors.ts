/**
 * Selectors over `DevtoolsState`. Each returns a value that keeps its identity while the
 * part of the state it reads is unchanged, so components re-render only when it moves.
 */

import type { PeerId } from '../core/id.js'
import { type IdLike, toId } from '../core/id.js'
import type { DevtoolsState, GroupInfo, ReplicaInfo } from './state.js'

/** Which group a component shows: by group id, or by the store id of a collection. */
export interface GroupRef {
  groupId?: IdLike
  storeId?: IdLike
}

/** Normalises an id prop to hex (a name is hashed the way `UniqueId.from` does). */
export function hexOf(id: IdLike): string {
  return toId(id).toString()
}

/** Memoised `IdLike` → hex, so a render does not hash the same name twice. */
const hexCache = new Map<string, string>()
function cachedHex(id: IdLike): string {
  if (typeof id !== 'string') return id.toString()
  let hex = hexCache.get(id)
  if (hex === undefined) {
    hex = hexOf(id)
    if (hexCache.size > 1000) hexCache.clear()
    hexCache.set(id, hex)
  }
  return hex
}

export function groupIdOf(state: DevtoolsState, ref: GroupRef): string | undefined {
  if (ref.groupId !== undefined) return cachedHex(ref.groupId)
  if (ref.storeId !== undefined) return state.storeIndex[cachedHex(ref.storeId)]
  return undefined
}

export function selectGroup(state: DevtoolsState, ref: GroupRef): GroupInfo | undefined {
  const id = groupIdOf(state, ref)
  return id === undefined ? undefined : state.groups[id]
}

export interface LeaderView {
  readonly leader: PeerId | undefined
  readonly term: number
}

/**
 * The leader of the highest term that an active replica reports (replicas that lag may
 * still name an old one). Compare results with `sameLeader`.
 */
export function leaderOf(group: GroupInfo | undefined): LeaderView {
  let leader: PeerId | undefined
  let term = -1
  if (group) {
    for (const r of Object.values(group.replicas)) {
      if (!r.active || r.leader === undefined) continue
      if (r.term > term) {
        term = r.term
        leader = r.leader
      }
    }
  }
  return { leader, term: Math.max(term, 0) }
}

export const sameLeader = (a: LeaderView, b: LeaderView): boolean => a.leader === b.leader && a.term === b.term

/** Replicas sorted by peer id (a stable order for tables and drawings). */
export function sortedReplicas(group: GroupInfo | undefined): ReplicaInfo[] {
  return group ? Object.values(group.replicas).sort((a, b) => (a.peer < b.peer ? -1 : 1)) : []
}

/** Shallow equality for arrays and plain objects of selected values. */
export function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) {
    if (!Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  }
  return true
}
