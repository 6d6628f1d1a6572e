import type { PersistTelemetry } from '../core/telemetry.js'
import { type Journal, type JournalStore, PersistError } from '../network/persist/journal.js'
import { DurableStorage } from './durable-storage.js'
import { MemoryStorage, type Storage } from './storage.js'

type PersistEvent = Omit<PersistTelemetry, 'at' | 'peer'>

/**
 * The durable storage of one group member on the network's journals (`NetworkOptions.persist`).
 * A store that cannot be opened (another network's or group's, damaged beyond a torn tail) is
 * reported and the member runs in memory; it catches up from its peers. Loaded with the
 * persistence (open-storage.ts), so an app that never persists never ships it.
 */
export function openDurable(
  journals: JournalStore,
  groupId: string,
  report: (e: PersistEvent) => void,
  failed: (error: PersistError) => void,
): Storage {
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
