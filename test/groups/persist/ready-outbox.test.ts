import { describe, expect, it } from 'vitest'
import { ReadyOutbox } from '../../../src/groups/ready-outbox.js'
import { MemoryStorage, type Storage } from '../../../src/groups/storage.js'

/** A store whose writes complete when the test says so (IndexedDB-like). */
function lateStore() {
  const base = new MemoryStorage()
  let pending: Promise<void> | undefined
  let finish: (() => void) | undefined
  let fail: ((e: Error) => void) | undefined
  const storage: Storage = Object.defineProperty(base, 'pending', { get: () => pending })
  return {
    storage,
    write() {
      pending = new Promise<void>((ok, ko) => {
        finish = () => {
          pending = undefined
          ok()
        }
        fail = (e) => {
          pending = undefined
          ko(e)
        }
      })
    },
    finish: () => finish?.(),
    fail: (e: Error) => fail?.(e),
  }
}

const turn = () => new Promise((r) => setTimeout(r, 0))

describe('ReadyOutbox', () => {
  it('runs effects at once when nothing is pending', () => {
    const store = lateStore()
    const ran: number[] = []
    const outbox = new ReadyOutbox(
      store.storage,
      () => false,
      () => ran.push(-1),
    )
    outbox.run(() => ran.push(1))
    expect(ran).toEqual([1])
  })

  it('holds effects until the write is durable, then runs them in order', async () => {
    const store = lateStore()
    const ran: number[] = []
    const outbox = new ReadyOutbox(
      store.storage,
      () => false,
      () => ran.push(-1),
    )
    store.write()
    outbox.run(() => ran.push(1))
    outbox.run(() => ran.push(2)) // held behind 1 even were nothing pending any more
    await turn()
    expect(ran).toEqual([])
    store.finish()
    await turn()
    expect(ran).toEqual([1, 2, -1])
    outbox.run(() => ran.push(3))
    expect(ran).toEqual([1, 2, -1, 3])
  })

  it('a failed write releases the held effects (the store went memory-only and said so)', async () => {
    const store = lateStore()
    const ran: number[] = []
    const outbox = new ReadyOutbox(
      store.storage,
      () => false,
      () => {},
    )
    store.write()
    outbox.run(() => ran.push(1))
    store.fail(new Error('QuotaExceededError'))
    await turn()
    expect(ran).toEqual([1])
  })

  it('settle() waits for the store and flushes before the member leaves', async () => {
    const store = lateStore()
    const ran: number[] = []
    const outbox = new ReadyOutbox(
      store.storage,
      () => true,
      () => {},
    )
    store.write()
    outbox.run(() => ran.push(1))
    const settled = outbox.settle()
    store.finish()
    await settled
    expect(ran).toEqual([1])
  })
})
