import type { PersistTelemetry } from '../core/telemetry.js'
import { type Journal, PersistError } from '../network/persist/journal.js'
import type { NetworkServices } from '../network/types.js'
import { DurableStorage } from './durable-storage.js'
import { MemoryStorage, type Storage } from './storage.js'

type PersistEvent = Omit<PersistTelemetry, 'at' | 'peer'>

/**
 * The storage of one group member: the app's (`JoinOptions.storage`), else the network's
 * durable journal for this group (`NetworkOptions.persist`), else memory. A store that cannot
 * be opened (another network's or group's, damaged beyond a torn tail) is reported and the
 * member runs in memory; it catches up from its peers. `failed` hears of every store that
 * lost or cannot keep what this member voted for (a strict member then stops voting).
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
  let journal: Journal | undefined
  try {
    journal = journals.open(groupId)
    const storage = new DurableStorage(journal, (error) => {
      report({ type: 'persist.failed', namespace: groupId, kind: error.kind, detail: error.message })
      failed(error)
    })
    // Damaged data was set aside (and reported): the log this member voted with is gone.
    if (journal.loaded.reset) failed(new PersistError('corrupt', journal.loaded.reset))
    return storage
  } catch (err) {
    journal?.close()
    const error = err instanceof PersistError ? err : new PersistError('io', String(err), { cause: err })
    console.warn(`mosaik-react: group ${groupId.slice(0, 10)} runs in memory: ${error.message}`)
    report({ type: 'persist.refused', namespace: groupId, kind: error.kind, detail: error.message })
    failed(error)
    return new MemoryStorage()
  }
}
