import type { CellReader } from '../collections/types.js'
import { CellError } from '../core/errors.js'
import type { Network } from '../network/network.js'
import { CellEntry, type CellEntryHooks, type CellRole } from './cell-entry.js'

/** How long a cell handle outlives its last component by default, ms. */
export const DEFAULT_GRACE_PERIOD = 1000

/** Counts for leak checks: open handles, pending close timers, subscribers and holds. */
export interface CellRegistryStats {
  readonly handles: number
  readonly timers: number
  readonly refs: number
}

/**
 * The shared cell handles of one network, keyed by role and cell key (store id + option
 * content). Registered as a network service, so `network.stop()` closes every handle and
 * clears every timer; entries asked for after that are closed from the start.
 */
export class CellRegistry {
  readonly #entries = new Map<string, CellEntry<unknown>>()
  readonly #timers = { count: 0 }
  #stopped: boolean

  constructor(stopped = false) {
    this.#stopped = stopped
  }

  /**
   * The entry for `(role, key)`, opening the handle with `open` if there is none. Safe to call
   * during render: an entry nobody subscribes to closes after `gracePeriod`.
   */
  acquire<T>(role: CellRole, key: string, open: () => CellReader<T>, gracePeriod: number): CellEntry<T> {
    const id = `${role}|${key}`
    const existing = this.#entries.get(id)
    if (existing) return existing as CellEntry<T>
    const hooks: CellEntryHooks = {
      gracePeriod,
      timers: this.#timers,
      onClosed: (entry) => {
        if (this.#entries.get(id) === entry && !this.#stopped) this.#entries.delete(id)
      },
    }
    let entry: CellEntry<T>
    if (this.#stopped) {
      entry = new CellEntry<T>(
        id,
        role,
        undefined,
        hooks,
        new CellError('network-down', 'the network is stopped', undefined),
      )
    } else {
      try {
        entry = new CellEntry<T>(id, role, open(), hooks)
      } catch (err) {
        entry = new CellEntry<T>(id, role, undefined, hooks, err)
      }
    }
    this.#entries.set(id, entry as CellEntry<unknown>)
    return entry
  }

  stats(): CellRegistryStats {
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

const SERVICE_KEY = 'mosaik-react/cells'
const registries = new WeakMap<Network, CellRegistry>()

/** The cell registry of `network`, created on first use and stopped with the network. */
export function cellRegistry(network: Network): CellRegistry {
  let registry = registries.get(network)
  if (!registry) {
    if (network.stopped) {
      registry = new CellRegistry(true)
    } else {
      const created = new CellRegistry()
      registry = network.service(SERVICE_KEY, () => created)
    }
    registries.set(network, registry)
  }
  return registry
}

/** Open handles, pending close timers and references of the hooks on `network` (for tests and devtools). */
export function cellHandleStats(network: Network): CellRegistryStats {
  return registries.get(network)?.stats() ?? { handles: 0, timers: 0, refs: 0 }
}
