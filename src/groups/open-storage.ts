import type { PersistTelemetry } from '../core/telemetry.js'
import { PersistError } from '../network/persist/journal.js'
import type { NetworkServices } from '../network/types.js'
import type { openDurable } from './open-durable.js'
import { MemoryStorage, type Storage } from './storage.js'

type PersistEvent = Omit<PersistTelemetry, 'at' | 'peer'>

/** The durable store's opener, once `loadDurableStorage` loaded it. */
let durable: typeof openDurable | undefined

/**
 * Loads the durable storage (open-durable.ts, durable-storage.ts). `Network.create` awaits it
 * when `NetworkOptions.persist` is set, before any group can open, so an app that never
 * persists never ships it.
 */
export async function loadDurableStorage(): Promise<void> {
  durable ??= (await import('./open-durable.js')).openDurable
}

/**
 * The storage of one group member: the app's (`JoinOptions.storage`), else the network's
 * durable journal for this group (`NetworkOptions.persist`, see `openDurable`), else memory.
 * `failed` hears of every store that lost or cannot keep what this member voted for (a strict
 * member then stops voting).
 */
export function openStorage(
  net: NetworkServices,
  groupId: string,
  given: Storage | undefined,
  report: (e: PersistEvent) => void,
  failed: (error: PersistError) => void,
): Storage {
  if (given) return given
  const journals = net.journals
  if (!journals) return new MemoryStorage()
  if (durable) return durable(journals, groupId, report, failed)
  // Journals from a host that never loaded the durable storage (`Network.create` always does).
  const error = new PersistError('unsupported', 'the durable storage was not loaded (loadDurableStorage)')
  console.warn(`mosaik-react: group ${groupId.slice(0, 10)} runs in memory: ${error.message}`)
  report({ type: 'persist.refused', namespace: groupId, kind: error.kind, detail: error.message })
  failed(error)
  return new MemoryStorage()
}
