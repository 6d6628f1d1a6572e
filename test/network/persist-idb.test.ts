/**
 * The IndexedDB journals (browser `persist`) in Node over fake-indexeddb: replay, checkpoints,
 * foreign stores, a group reopened in the same session, records after a gap, quota errors.
 * The real thing runs in Chromium in test/browser/persisted.test.mjs.
 */
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { openIdbRoot } from '../../src/network/persist/idb-root.js'
import { PersistError, type PersistReport } from '../../src/network/persist/journal.js'
import type { PersistRoot } from '../../src/network/persist/persistence.js'

const NS = 'b'.repeat(64)
let dbs = 0

async function open(name: string, network = 'net', reports: PersistReport[] = []): Promise<PersistRoot> {
  const opened = await openIdbRoot({ network, name: 'x', persist: name, report: (r) => reports.push(r) })
  if (!opened.ok) throw opened.error
  return opened.root
}

describe('IndexedDB journals', () => {
  it('replay appended records and checkpoints across reopening the database', async () => {
    const name = `db-${++dbs}`
    let root = await open(name)
    let j = root.journals.open(NS)
    j.append({ i: 1 })
    j.append({ i: 2 })
    await j.pending
    await root.close()
    root = await open(name)
    j = root.journals.open(NS)
    expect(j.loaded.records).toEqual([{ i: 1 }, { i: 2 }])
    j.checkpoint({ state: 2 })
    j.append({ i: 3 })
    await root.close()
    root = await open(name)
    j = root.journals.open(NS)
    expect(j.loaded).toEqual({ checkpoint: { state: 2 }, records: [{ i: 3 }] })
    await root.close()
  })

  it('refuses a checkpointed group of another network', async () => {
    const name = `db-${++dbs}`
    let root = await open(name, 'net-a')
    root.journals.open(NS).checkpoint({ s: 1 })
    await root.close()
    root = await open(name, 'net-b')
    expect(() => root.journals.open(NS)).toThrow(PersistError)
    await root.close()
  })

  it('a group left and joined again in one session continues where it was', async () => {
    const name = `db-${++dbs}`
    const root = await open(name)
    const j = root.journals.open(NS)
    j.append({ i: 1 })
    expect(() => root.journals.open(NS)).toThrow(expect.objectContaining({ kind: 'locked' }))
    j.close()
    const again = root.journals.open(NS)
    expect(again.loaded.records).toEqual([{ i: 1 }])
    again.append({ i: 2 })
    await root.close()
    const reopened = await open(name)
    expect(reopened.journals.open(NS).loaded.records).toEqual([{ i: 1 }, { i: 2 }])
    await reopened.close()
  })

  it('drops records after a gap, and they stay dropped once new ones are appended', async () => {
    const name = `db-${++dbs}`
    let root = await open(name)
    const j = root.journals.open(NS)
    for (let i = 0; i < 4; i++) j.append({ i })
    await root.close()
    // Tamper: delete record 1 directly.
    await new Promise<void>((ok, ko) => {
      const req = indexedDB.open(name)
      req.onsuccess = () => {
        const tx = req.result.transaction('records', 'readwrite')
        tx.objectStore('records').delete([NS, 1])
        tx.oncomplete = () => {
          req.result.close()
          ok()
        }
        tx.onerror = () => ko(tx.error)
      }
    })
    const reports: PersistReport[] = []
    root = await open(name, 'net', reports)
    const k = root.journals.open(NS)
    expect(k.loaded.records).toEqual([{ i: 0 }])
    expect(reports).toMatchObject([{ type: 'persist.recovered', records: 1 }])
    k.append({ i: 'new' })
    await root.close()
    root = await open(name)
    expect(root.journals.open(NS).loaded.records).toEqual([{ i: 0 }, { i: 'new' }])
    await root.close()
  })

  it('a full quota is a typed error, never a crash', async () => {
    const name = `db-${++dbs}`
    const root = await open(name)
    const j = root.journals.open(NS)
    const proto = IDBObjectStore.prototype as { put: (...a: unknown[]) => unknown }
    const put = proto.put
    proto.put = () => {
      throw new DOMException('the quota is exceeded', 'QuotaExceededError')
    }
    try {
      expect(() => j.append({ i: 1 })).toThrow(expect.objectContaining({ kind: 'quota' }))
      expect(j.failed?.kind).toBe('quota')
      expect(() => j.append({ i: 2 })).toThrow(PersistError)
    } finally {
      proto.put = put
    }
    await root.close()
  })
})
