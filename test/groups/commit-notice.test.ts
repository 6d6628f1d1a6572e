import { afterEach, describe, expect, it } from 'vitest'
import { setNextTurn } from '../../src/groups/next-turn.js'
import { MemoryStorage, type Storage } from '../../src/groups/storage.js'
import { type CounterGroup, counterGroups } from './helpers/counter-trio.js'
import { advance, settle } from './helpers/manual.js'

// When followers hear of a commit (docs/ARCHITECTURE.md "The write path"): a leader-local
// write resolves first and its notice leaves on the leader's next event-loop turn; a
// follower's forwarded write is told at once, since that follower's caller waits for it.
// Next turns are held here, so "on the next turn" and "at once" are told apart exactly.

type G = CounterGroup
const { threeOnline: trio } = counterGroups('commit-notice')
let restore: (() => void) | undefined
afterEach(() => {
  restore?.()
  restore = undefined
})

async function threeOnline(storages?: readonly Storage[]) {
  const members = await trio(storages)
  // Let every member settle (the term's first commit told), then hold the next turns.
  for (let i = 0; i < 5; i++) await settle()
  const held: (() => void)[] = []
  restore = setNextTurn((fn) => void held.push(fn))
  const release = () => {
    for (const fn of held.splice(0)) fn()
  }
  return { ...members, held, release }
}

/** Runs microtasks (deliveries of the fake network) without letting a held next turn run. */
async function microtasks(n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

describe('commit notices (driver)', () => {
  it("a leader-local write resolves before its notice leaves; the leader's next turn sends it", async () => {
    const { leader, followers, held, release } = await threeOnline()
    const v = await leader.execute({ k: 'a', by: 1 })
    await microtasks()
    // Acknowledged by both followers (they hold the entry), but not yet told it committed.
    for (const f of followers) expect(f.committed()).toBeLessThan(v)
    expect(held.length).toBeGreaterThan(0)
    release()
    await microtasks()
    for (const f of followers) expect(f.committed()).toBe(v)
  })

  it("a follower's write is told at once: it resolves with no held turn run on the leader", async () => {
    const { leader, followers, release } = await threeOnline()
    const [writer, other] = followers as [G, G]
    const call = writer.execute({ k: 'a', by: 1 })
    // The follower forwards its call on its own next turn: run that one, then hold again.
    release()
    const v = await Promise.race([call, microtasks(500).then(() => 'still waiting' as const)])
    expect(v).toBeTypeOf('number')
    if (typeof v !== 'number') return
    expect(writer.committed()).toBe(v)
    expect(leader.committed()).toBe(v)
    // The other follower heard of the commit with the writer (one notice to both).
    await microtasks()
    expect(other.committed()).toBe(v)
  })

  it("a busy leader tells a follower's commit with its next turn's AppendEntries, not in a heartbeat of its own", async () => {
    const { leader, followers, held, release } = await threeOnline()
    const [writer] = followers as [G, G]
    let done = false
    const call = writer.execute({ k: 'a', by: 1 }).then((v) => {
      done = true
      return v
    })
    // Two calls on the leader in one turn: the first leaves at once, the second waits for the
    // leader's next turn (held), and so does any commit notice meanwhile.
    const own = [leader.execute({ k: 'b', by: 1 }), leader.execute({ k: 'b', by: 2 })].map((p) =>
      p.catch((e: unknown) => e),
    )
    // Held: the follower's turn (its forward), then the leader's (its second call, and the
    // reset of its count of calls sent at once).
    expect(held.length).toBe(3)
    // Run the follower's turn only: its forward reaches the leader and commits there.
    held.shift()?.()
    await microtasks(500)
    expect(leader.committed()).toBeGreaterThanOrEqual(3)
    expect(done).toBe(false)
    release()
    const v = await call
    expect(writer.committed()).toBeGreaterThanOrEqual(v)
    for (const r of await Promise.all(own)) expect(r).toBeTypeOf('number')
  })

  it('a follower leaving right after a leader-local write first learns that it committed', async () => {
    const { leader, followers, release } = await threeOnline()
    const v = await leader.execute({ k: 'a', by: 1 })
    await microtasks()
    const f = followers[0] as G
    expect(f.committed()).toBeLessThan(v)
    let left = false
    const leaving = f.leave().then(() => {
      left = true
    })
    await microtasks()
    expect(left).toBe(false)
    release()
    await leaving
    expect(f.committed()).toBe(v)
  })

  it('waits at most two ticks for a commit that no leader tells', async () => {
    const { clock, hub, leader, followers, release } = await threeOnline()
    const v = await leader.execute({ k: 'a', by: 1 })
    await microtasks()
    const f = followers[0] as G
    // Nothing of the leader's reaches this follower any more (its bond stays up for seconds).
    hub.cut(leader.peerId, f.peerId)
    release()
    let left = false
    const leaving = f.leave().then(() => {
      left = true
    })
    // Only the follower's clock ends the wait: two ticks of 50 ms (heartbeatInterval 500).
    await advance(clock, 50, 5)
    expect(left).toBe(false)
    await advance(clock, 100, 5)
    await leaving
    expect(left).toBe(true)
    expect(f.committed()).toBeLessThan(v)
  })

  it('a second leave while the first waits for a slow store to become durable still ends', async () => {
    // Stores whose writes become durable later (IndexedDB): leave() waits for them to settle.
    class SlowStorage extends MemoryStorage {
      pending: Promise<void> | undefined
    }
    const stores = [0, 1, 2].map(() => new SlowStorage())
    const { clock, hub, leader, followers, release } = await threeOnline(stores)
    const v = await leader.execute({ k: 'a', by: 1 })
    await microtasks()
    const f = followers[0] as G
    hub.cut(leader.peerId, f.peerId)
    release()
    const store = stores[['peer-a', 'peer-b', 'peer-c'].indexOf(f.peerId)] as SlowStorage
    let durable!: () => void
    store.pending = new Promise<void>((resolve) => {
      durable = resolve
    })
    const left = [false, false]
    const first = f.leave().then(() => {
      left[0] = true
    })
    // The first leave learns nothing (cut off) within its two ticks, then waits for the store.
    await advance(clock, 200, 10)
    expect(left).toEqual([false, false])
    const second = f.leave().then(() => {
      left[1] = true
    })
    await settle()
    store.pending = undefined
    durable()
    for (let i = 0; i < 50 && !(left[0] && left[1]); i++) await settle()
    expect(left).toEqual([true, true])
    await Promise.all([first, second])
    expect(f.committed()).toBeLessThan(v)
  })
})
