import { CellError, ClosedError } from '../core/errors.js'
import type { Group, JoinOptions, LeadershipPreference, StateMachine } from '../groups/types.js'
import type { Network } from '../network/network.js'

/**
 * Joins the group behind a collection through the public group API
 * (`network.groups.join`). A stopped network fails with `CellError('network-down')`.
 */
export function joinCollectionGroup<C, Q, R, I>(network: Network, options: JoinOptions<C, Q, R, I>): Group<C, Q, R> {
  try {
    return network.groups.join(options)
  } catch (err) {
    if (err instanceof ClosedError || network.stopped)
      throw new CellError('network-down', 'cannot open a collection on a stopped network', undefined, { cause: err })
    throw err
  }
}

/** One membership of one group on one network, shared by every handle that opens it. */
export interface Replica<M, C> {
  readonly machine: M
  readonly group: Group<C>
  /** Drops one handle's hold; the last one leaves the group. */
  release(): Promise<void>
}

interface Entry {
  machine: unknown
  group: Group<unknown>
  refs: number
  /** Handles that may lead (writers); while there is one the member is `normal`. */
  leaders: number
}

const replicas = new WeakMap<Network, Map<string, Entry>>()

/**
 * Opens (or shares) the replica of a collection on `network`. The group layer gives a
 * network one member per group id, so two handles of the same collection (same store
 * id, type name and settings) on one network share one state machine and one
 * membership: the first handle's machine (and so its schema) is the one that is used,
 * and the group is left when the last handle closes. The membership's role follows the
 * handles: it is `normal` while any writer handle is open and `observer` otherwise, so a
 * writer opened after a reader on the same network can lead and commit.
 */
export function openReplica<C, I, M extends StateMachine<C, never, never, I>>(
  network: Network,
  machine: M,
  options: Omit<JoinOptions<C, never, never, I>, 'stateMachine' | 'preference'> & {
    readonly preference: LeadershipPreference
  },
): Replica<M, C> {
  const byGroup = replicas.get(network) ?? new Map<string, Entry>()
  replicas.set(network, byGroup)
  const group = joinCollectionGroup<C, never, never, I>(network, { ...options, stateMachine: machine })
  const key = group.id.toString()
  let entry = byGroup.get(key)
  if (!entry || entry.group !== group) {
    entry = { machine, group: group as Group<unknown>, refs: 0, leaders: 0 }
    byGroup.set(key, entry)
  }
  const leads = options.preference !== 'observer'
  entry.refs++
  if (leads && ++entry.leaders === 1) group.setPreference(options.preference)
  const held = entry
  let released = false
  return {
    machine: held.machine as M,
    group,
    release: async () => {
      if (released) return
      released = true
      if (leads) held.leaders--
      if (--held.refs > 0) {
        if (leads && held.leaders === 0) held.group.setPreference('observer')
        return
      }
      if (byGroup.get(key) === held) byGroup.delete(key)
      await held.group.leave()
    },
  }
}
