import type { CellReader } from '../collections/types.js'
import { CellError } from '../core/errors.js'
import type { Network } from '../network/network.js'
import { CellEntry, type CellRole } from './cell-entry.js'
import type { BaseSnapshot, EntryHooks, HandleEntry, ObservedHandle } from './handle-entry.js'

/** How long a handle outlives its last user by default, ms. */
export const DEFAULT_GRACE_PERIOD = 1000

/** Counts for leak checks: open handles, pending close timers, subscribers and holds. */
export interface HandleRegistryStats {
  readonly handles: number
  readonly timers: number
  readonly refs: number
}

type AnyEntry = HandleEntry<BaseSnapshot, ObservedHandle<BaseSnapshot>>

/**
 * The shared collection handles of one network, of every kind, keyed by kind, role and
 * collection key (store id + option content). Registered as a network service, so
 * `network.stop()` closes every handle and clears every timer; entries asked for after
 * that are closed from the start.
 */
export class HandleRegistry {
  readonly #entries = new Map<string, AnyEntry>()
  readonly #timers = { count: 0 }
  #stopped: boolean

  constructor(stopped = false) {
    this.#stopped = stopped
  }

  get stopped(): boolean {
    return this.#stopped
  }

  /**
   * The entry for `id`, made with `create` if there is none. `create` gets the hooks and
   * whether the network is stopped (then it must build a closed entry, without a handle).
   * Safe to call during render: an entry nobody subscribes to closes after `gracePeriod`.
   */
  acquireEntry<E extends AnyEntry>(
    id: string,
    gracePeriod: number,
    create: (hooks: EntryHooks, stopped: CellError<undefined> | undefined) => E,
  ): E {
    const existing = this.#entries.get(id)
    if (existing) return existing as E
    const hooks: EntryHooks = {
      gracePeriod,
      timers: this.#timers,
      onClosed: (entry) => {
        if (this.#entries.get(id) === entry && !this.#stopped) this.#entries.delete(id)
      },
    }
    const entry = create(
      hooks,
      this.#stopped ? new CellError('network-down', 'the network is stopped', undefined) : undefined,
    )
    this.#entries.set(id, entry)
    return entry
  }

  /** The cell entry for `(role, key)`, opening the handle with `open` if there is none (the hooks' `useCell*`). */
  acquire<T>(role: CellRole, key: string, open: () => CellReader<T>, gracePeriod: number): CellEntry<T> {
    return this.acquireEntry(`${role}|${key}`, gracePeriod, (hooks, stopped) => {
      const id = `${role}|${key}`
      if (stopped) return new CellEntry<T>(id, role, undefined, hooks, stopped) as unknown as AnyEntry
      try {
        return new CellEntry<T>(id, role, open(), hooks) as unknown as AnyEntry
      } catch (err) {
        return new CellEntry<T>(id, role, undefined, hooks, err) as unknown as AnyEntry
      }
    }) as unknown as CellEntry<T>
  }

  stats(): HandleRegistryStats {
    let handles = 0
    let refs = 0
    for (const e of this.#entries.values()) {
      if (!e.closed) handles++
      refs += e.refs
    }
    return { handles, timers: this.#timers.count, refs }
  }

  /** Closes every handle (called by `network.stop()`). Later entries are closed from the start. */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    const down = new CellError('network-down', 'the network stopped', undefined)
    for (const e of [...this.#entries.values()]) e.close(down)
  }
}

/** Former name, kept for the cell hooks' callers. */
export { HandleRegistry as CellRegistry, type HandleRegistryStats as CellRegistryStats }

const SERVICE_KEY = 'mosaik-react/cells'
const registries = new WeakMap<Network, HandleRegistry>()

/** The handle registry of `network`, created on first use and stopped with the network. */
export function handleRegistry(network: Network): HandleRegistry {
  let registry = registries.get(network)
  if (!registry) {
    if (network.stopped) {
      registry = new HandleRegistry(true)
    } else {
      const created = new HandleRegistry()
      registry = network.service(SERVICE_KEY, () => created)
    }
    registries.set(network, registry)
  }
  return registry
}

/** Same as `handleRegistry` (the cell hooks' name). */
export const cellRegistry = handleRegistry

/** Open handles, pending close timers and references of the hooks on `network` (for tests and devtools). */
export function cellHandleStats(network: Network): HandleRegistryStats {
  return registries.get(network)?.stats() ?? { handles: 0, timers: 0, refs: 0 }
}
