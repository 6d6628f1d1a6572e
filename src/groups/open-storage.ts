import type { PersistTelemetry } from '../core/telemetry.js'
import { PersistError } from '../network/persist/journal.js'
import type { NetworkServices } from '../network/types.js'
import { DurableStorage } from './durable-storage.js'
import { MemoryStorage, type Storage } from './storage.js'

type PersistEvent = Omit<PersistTelemetry, 'at' | 'peer'>

/**
 * The storage of one group member: the app's (`JoinOptions.storage`), else the network's
 * durable journal for this group (`NetworkOptions.persist`), else memory. A store that cannot
 * be opened (another network's or group's, damaged beyond a torn tail) is reported and the
 * member runs in memory; it catches up from its peers.
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
  try {
    return new DurableStorage(journals.open(groupId), (error) => {
      report({ type: 'persist.failed', namespace: groupId, kind: error.kind, detail: error.message })
      failed(error)
    })
  } catch (err) {
    const error = err instanceof PersistError ? err : new PersistError('io', String(err), { cause: err })
    console.warn(`mosaik-react: group ${groupId.slice(0, 10)} runs in memory: ${error.message}`)
    report({ type: 'persist.refused', namespace: groupId, kind: error.kind, detail: error.message })
    return new MemoryStorage()
  }
}
