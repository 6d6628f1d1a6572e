import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { PeerId } from '../../../src/core/id.js'
import type { SyncHost } from '../../../src/groups/sync/host.js'
import type { SyncMessage } from '../../../src/groups/sync/messages.js'
import { SnapshotProvider } from '../../../src/groups/sync/provider.js'
import { type FetchedSnapshot, SyncSession } from '../../../src/groups/sync/session.js'
import { Timers } from '../../../src/groups/timers.js'

const CONFIG = { fetchBatchSize: 10, snapshotTtl: 1_000, snapshotRequestTimeout: 1_500, fetchTimeout: 500 }

function host(local: PeerId, bonded: PeerId[], leader = 'leader') {
  const clock = new ManualClock()
  const sent: { to: PeerId; m: SyncMessage }[] = []
  const h: SyncHost = {
    local,
    timers: new Timers(clock),
    config: CONFIG,
    send: (to, m) => {
      sent.push({ to, m })
      return true
    },
    bonded: () => bonded,
    leader: () => leader,
    telemetry: () => {},
  }
  return { h, clock, sent }
}

const items = Array.from({ length: 45 }, (_, i) => i)
const snapshot = { length: items.length, range: (s: number, e: number) => items.slice(s, e) }

describe('snapshot sync', () => {
  it('fetches the batches from every member that offered, in parallel, and keeps their order', () => {
    const { h, sent } = host('late', ['leader', 'b', 'c'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(h, 5, (r) => {
      result = r
    })
    s.request()
    expect(sent.shift()).toEqual({ to: 'leader', m: { type: 'request' } })
    for (const p of ['leader', 'b', 'c']) s.offer(p, { type: 'offer', index: 7, term: 2, items: 45 })
    // One request in flight per member, the leader served last.
    const firstRound = sent.splice(0)
    expect(firstRound.map((x) => x.to).sort()).toEqual(['b', 'c', 'leader'])
    expect(firstRound.find((x) => x.to === 'leader')?.m).toMatchObject({ start: 20 })
    const serve = (round: typeof firstRound) => {
      for (const { to, m } of round) {
        if (m.type !== 'fetch') continue
        s.data(to, { type: 'data', index: m.index, start: m.start, items: items.slice(m.start, m.end) })
      }
    }
    serve(firstRound)
    for (let rounds = 0; !result && rounds < 10; rounds++) serve(sent.splice(0))
    expect(result).toMatchObject({ index: 7, term: 2, items, sources: ['b', 'c', 'leader'] })
  })

  it('refetches a batch elsewhere when a member times out or lost the snapshot', () => {
    const { h, clock, sent } = host('late', ['b', 'c', 'd'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(h, 0, (r) => {
      result = r
    })
    s.request()
    sent.splice(0)
    for (const p of ['b', 'c']) s.offer(p, { type: 'offer', index: 3, term: 1, items: 20 })
    clock.advance(100) // the offer window closes with two sources
    const round = sent.splice(0)
    expect(round.map((x) => x.to).sort()).toEqual(['b', 'c'])
    const toC = round.find((x) => x.to === 'c')?.m as Extract<SyncMessage, { type: 'fetch' }>
    s.offer('d', { type: 'offer', index: 3, term: 1, items: 20 })
    // c lost its snapshot: its batch goes to d at once.
    s.data('c', { type: 'data', index: 3, start: toC.start, items: undefined })
    const retry = sent.splice(0)
    expect(retry).toEqual([{ to: 'd', m: { type: 'fetch', index: 3, start: toC.start, end: toC.start + 10 } }])
    s.data('d', { type: 'data', index: 3, start: toC.start, items: items.slice(toC.start, toC.start + 10) })
    // b never answers: after fetchTimeout its batch goes to d too.
    clock.advance(CONFIG.fetchTimeout + 1)
    const late = sent.splice(0)
    expect(late.map((x) => x.to)).toEqual(['d'])
    const m = late[0]?.m as Extract<SyncMessage, { type: 'fetch' }>
    s.data('d', { type: 'data', index: 3, start: m.start, items: items.slice(m.start, m.end) })
    expect(result).toMatchObject({ index: 3, items: items.slice(0, 20), sources: ['d'] })
    expect(h.timers.size).toBe(0)
  })

  it('asks again on a bond that replaced the one a fetch was in flight on, keeping the member', () => {
    const { h, clock, sent } = host('late', ['b', 'c'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(h, 0, (r) => {
      result = r
    })
    s.request()
    sent.splice(0)
    for (const p of ['b', 'c']) s.offer(p, { type: 'offer', index: 3, term: 1, items: 20 })
    const round = sent.splice(0)
    const toB = round.find((x) => x.to === 'b')?.m as Extract<SyncMessage, { type: 'fetch' }>
    // The bond to b was replaced: the fetch sent on the old one is lost. b is asked again.
    s.peerUp('b')
    expect(sent.splice(0)).toEqual([{ to: 'b', m: toB }])
    // The first fetch's timer is gone: b stays a source however long the old bond stays silent.
    clock.advance(CONFIG.fetchTimeout - 1)
    for (const { to, m } of round) {
      if (m.type !== 'fetch') continue
      s.data(to, { type: 'data', index: 3, start: m.start, items: items.slice(m.start, m.end) })
    }
    clock.advance(2)
    expect(result).toMatchObject({ index: 3, items: items.slice(0, 20), sources: ['b', 'c'] })
    expect(h.timers.size).toBe(0)
  })

  it('takes a member back into the pool when its bond comes up again during the fetch', () => {
    const { h, sent } = host('late', ['b', 'c'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(h, 0, (r) => {
      result = r
    })
    for (const p of ['b', 'c']) s.offer(p, { type: 'offer', index: 3, term: 1, items: 40 })
    s.peerDown('b') // its bond was replaced: down, then up again
    s.peerUp('b')
    for (let rounds = 0; !result && rounds < 10; rounds++) {
      for (const { to, m } of sent.splice(0)) {
        if (m.type !== 'fetch') continue
        s.data(to, { type: 'data', index: 3, start: m.start, items: items.slice(m.start, m.end) })
      }
    }
    expect(result).toMatchObject({ index: 3, sources: ['b', 'c'] })
  })

  it('asks the leader again when the bond to it is replaced before an offer came', () => {
    const { h, sent } = host('late', ['leader', 'b'])
    const s = new SyncSession(h, 0, () => {})
    s.request()
    expect(sent.splice(0)).toEqual([{ to: 'leader', m: { type: 'request' } }])
    s.peerUp('b')
    expect(sent).toEqual([])
    s.peerUp('leader')
    expect(sent.splice(0)).toEqual([{ to: 'leader', m: { type: 'request' } }])
    s.offer('leader', { type: 'offer', index: 3, term: 1, items: 20 })
    sent.splice(0)
    s.peerUp('b') // nothing in flight to b, and the request was answered: nothing to repeat
    expect(sent).toEqual([])
    s.abort()
  })

  it('fails when no member is left to serve a missing batch', () => {
    const { h, clock, sent } = host('late', ['b'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(h, 0, (r) => {
      result = r
    })
    s.request()
    s.offer('b', { type: 'offer', index: 3, term: 1, items: 20 })
    expect(sent.at(-1)?.m).toMatchObject({ type: 'fetch' })
    clock.advance(CONFIG.fetchTimeout + 1)
    expect(result).toBeInstanceOf(Error)
  })

  it('fails when no snapshot is offered in time', () => {
    const { h, clock } = host('late', ['b'])
    let result: FetchedSnapshot | Error | undefined
    new SyncSession(h, 0, (r) => {
      result = r
    }).request()
    clock.advance(CONFIG.snapshotRequestTimeout - 1)
    expect(result).toBeUndefined()
    clock.advance(2)
    expect(result).toBeInstanceOf(Error)
    expect(h.timers.size).toBe(0)
  })

  it('ignores offers below the point the laggard must reach', () => {
    const { h, sent } = host('late', ['b'])
    const s = new SyncSession(h, 10, () => {})
    s.request()
    sent.splice(0)
    s.offer('b', { type: 'offer', index: 9, term: 1, items: 5 })
    expect(sent).toEqual([])
    expect(s.fetching).toBe(false)
    s.abort()
    expect(h.timers.size).toBe(0)
  })
})

describe('the snapshot provider', () => {
  it('offers a held snapshot to its requester and serves capped batches', () => {
    const { h, sent } = host('b', ['late'])
    const p = new SnapshotProvider(h)
    p.hold(7, 2, 'late', snapshot)
    expect(sent.shift()).toEqual({ to: 'late', m: { type: 'offer', index: 7, term: 2, items: 45 } })
    p.fetch('late', { type: 'fetch', index: 7, start: 40, end: 100 })
    expect(sent.shift()?.m).toEqual({ type: 'data', index: 7, start: 40, items: [40, 41, 42, 43, 44] })
    p.fetch('late', { type: 'fetch', index: 7, start: 0, end: 100 })
    expect(sent.shift()?.m).toMatchObject({ items: items.slice(0, CONFIG.fetchBatchSize) })
    expect(p.floor()).toBe(7)
    // The laggard left: the snapshot stays offered but no longer holds the log back.
    p.peerDown('late')
    expect(p.floor()).toBeUndefined()
    expect(p.held).toBe(1)
  })

  it('drops a snapshot after its TTL unless fetches keep it alive', () => {
    const { h, clock, sent } = host('b', ['late'])
    const p = new SnapshotProvider(h)
    p.hold(7, 2, 'late', snapshot)
    clock.advance(800)
    p.fetch('late', { type: 'fetch', index: 7, start: 0, end: 10 })
    clock.advance(800)
    expect(p.held).toBe(1)
    clock.advance(201)
    expect(p.held).toBe(0)
    sent.splice(0)
    p.fetch('late', { type: 'fetch', index: 7, start: 0, end: 10 })
    expect(sent.shift()?.m).toEqual({ type: 'data', index: 7, start: 0, items: undefined })
    expect(p.floor()).toBeUndefined()
  })

  it('offers a held snapshot when the bond to its requester comes up, if no bond took it before', () => {
    const { h, sent } = host('b', [])
    let bonded = false
    const p = new SnapshotProvider({ ...h, send: (to, m) => bonded && h.send(to, m) })
    p.hold(7, 2, 'late', snapshot) // no bond to the laggard yet: the offer is not sent
    bonded = true
    p.hold(9, 2, 'other', snapshot) // sent
    expect(sent.splice(0)).toEqual([{ to: 'other', m: { type: 'offer', index: 9, term: 2, items: 45 } }])
    p.peerUp('late')
    expect(sent.splice(0)).toEqual([{ to: 'late', m: { type: 'offer', index: 7, term: 2, items: 45 } }])
    // Sent offers are not repeated (a laggard that stopped syncing would count them as refused).
    p.peerUp('late')
    p.peerUp('other')
    p.peerUp('nobody')
    expect(sent).toEqual([])
    p.clear()
  })

  it('replicates at most one snapshot request per laggard per TTL', () => {
    const { h, clock } = host('leader', ['late'])
    const p = new SnapshotProvider(h)
    expect(p.shouldReplicate('late')).toBe(true)
    expect(p.shouldReplicate('late')).toBe(false)
    clock.advance(CONFIG.snapshotTtl)
    expect(p.shouldReplicate('late')).toBe(true)
  })

  it('offers the latest held snapshot again to a laggard that asks again within the TTL', () => {
    const { h, sent } = host('leader', ['late'])
    const p = new SnapshotProvider(h)
    p.reoffer('late')
    expect(sent).toEqual([])
    p.hold(3, 1, 'other', snapshot)
    p.hold(7, 2, 'late', snapshot)
    sent.splice(0)
    p.reoffer('late')
    expect(sent).toEqual([{ to: 'late', m: { type: 'offer', index: 7, term: 2, items: 45 } }])
  })
})

describe('snapshot batches that do not fit in one frame', () => {
  it('are answered short and the rest is fetched next', () => {
    const { h, sent } = host('late', ['b'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(h, 0, (r) => {
      result = r
    })
    s.offer('b', { type: 'offer', index: 4, term: 1, items: 25 })
    // The provider side: sending more than 3 items at once "overflows the frame".
    const provider = new SnapshotProvider({
      ...h,
      local: 'b',
      send: (to, m) => {
        if (m.type === 'data' && (m.items?.length ?? 0) > 3) throw new Error('oversized')
        s.data('b', m as Extract<SyncMessage, { type: 'data' }>)
        return to === 'late'
      },
    })
    provider.hold(4, 1, 'nobody', snapshot)
    for (let i = 0; i < 50 && !result; i++) {
      const next = sent.splice(0).filter((x) => x.m.type === 'fetch')
      for (const { m } of next) provider.fetch('late', m as Extract<SyncMessage, { type: 'fetch' }>)
    }
    expect(result).toMatchObject({ index: 4, items: items.slice(0, 25) })
  })
})

describe('snapshot sync: offers of rival leaders and offers past the vouched position', () => {
  it('never pools two offers of one index and term written by different leaders, and installs the tag', () => {
    const { h, sent } = host('late', ['b', 'c'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(h, 0, (r) => {
      result = r
    })
    s.request()
    sent.splice(0)
    s.offer('b', { type: 'offer', index: 4, term: 1, items: 5, leader: 'b#1' })
    s.offer('c', { type: 'offer', index: 4, term: 1, items: 5, leader: 'c#9' })
    // Both offered: the session starts at once, fetching from one of them only.
    const round = sent.splice(0)
    expect(round).toHaveLength(1)
    const { to, m } = round[0] as { to: PeerId; m: Extract<SyncMessage, { type: 'fetch' }> }
    s.data(to, { type: 'data', index: 4, start: m.start, items: items.slice(m.start, m.end) })
    expect(result).toMatchObject({ index: 4, term: 1, leader: `${to}#${to === 'b' ? 1 : 9}`, sources: [to] })
  })

  it('keeps an offer that qualifies when the same peer then offers past the vouched commit', () => {
    const { h, clock, sent } = host('late', ['leader', 'b'])
    let result: FetchedSnapshot | Error | undefined
    const s = new SyncSession(
      h,
      0,
      (r) => (result = r),
      undefined,
      () => 10,
    )
    s.request()
    sent.splice(0)
    s.offer('leader', { type: 'offer', index: 8, term: 2, items: 5 })
    // A flood of offers far past the commit the leader announced (10) does not displace it.
    for (let i = 0; i < 5; i++) s.offer('leader', { type: 'offer', index: 1_000 + i, term: 2, items: 1 })
    clock.advance(100)
    const round = sent.splice(0)
    expect(round).toEqual([{ to: 'leader', m: { type: 'fetch', index: 8, start: 0, end: 5 } }])
    s.data('leader', { type: 'data', index: 8, start: 0, items: items.slice(0, 5) })
    expect(result).toMatchObject({ index: 8, term: 2, items: items.slice(0, 5) })
  })
})
