import { describe, expect, it } from 'vitest'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { leaderOf, selectGroup } from '../../src/devtools/selectors.js'
import { createDevtoolsStore, type FlushScheduler } from '../../src/devtools/store.js'
import { SyntheticCluster, SyntheticNode } from '../../src/devtools/synthetic.js'

function manualScheduler() {
  const pending = new Map<number, () => void>()
  let next = 0
  const scheduler: FlushScheduler = {
    set: (cb) => {
      pending.set(++next, cb)
      return next
    },
    clear: (h) => pending.delete(h as number),
  }
  return {
    scheduler,
    get pending() {
      return pending.size
    },
    run() {
      const cbs = [...pending.values()]
      pending.clear()
      for (const cb of cbs) cb()
    },
  }
}

function clusterWithStore(writers = 3, readers = 0) {
  let t = 0
  const cluster = new SyntheticCluster({ writers, readers, now: () => (t += 10) })
  const store = createDevtoolsStore({ flushInterval: 0 })
  for (const n of cluster.nodes) store.attach(n)
  cluster.start()
  return { cluster, store }
}

describe('devtools store', () => {
  it('shows the group, its members and the leader they elected', () => {
    const { cluster, store } = clusterWithStore(3, 2)
    const group = selectGroup(store.getState(), { storeId: 'synthetic.cell' })
    expect(group?.id).toBe(cluster.group)
    expect(Object.keys(group?.replicas ?? {})).toHaveLength(5)
    expect(leaderOf(group)).toEqual({ leader: cluster.nodes[0]!.peerId, term: 2 })
    const observers = Object.values(group!.replicas).filter((r) => r.preference === 'observer')
    expect(observers).toHaveLength(2)
    expect(Object.values(group!.mesh).every((e) => e.up)).toBe(true)
    expect(Object.keys(group!.mesh)).toHaveLength(10)
  })

  it('folds a burst of events into one state update per flush interval', () => {
    const timers = manualScheduler()
    const store = createDevtoolsStore({ flushInterval: 100, scheduler: timers.scheduler })
    const cluster = new SyntheticCluster({ writers: 3 })
    for (const n of cluster.nodes) store.attach(n)
    let updates = 0
    store.subscribe(() => updates++)
    cluster.start()
    for (let i = 0; i < 500; i++) cluster.write()
    expect(updates).toBe(0)
    expect(timers.pending).toBe(1)
    timers.run()
    expect(updates).toBe(1)
    expect(
      selectGroup(store.getState(), { storeId: 'synthetic.cell' })?.replicas[cluster.nodes[1]!.peerId]?.commit,
    ).toBe(500)
  })

  it('keeps history bounded however many events arrive (memory stays flat)', () => {
    let t = 0
    const cluster = new SyntheticCluster({ writers: 3, now: () => (t += 150) })
    const store = createDevtoolsStore({ flushInterval: 0, historySize: 50, markSize: 8, eventLogSize: 20 })
    for (const n of cluster.nodes) store.attach(n)
    cluster.start()
    for (let i = 0; i < 20_000; i++) {
      cluster.write()
      if (i % 500 === 0) cluster.elect(cluster.nodes[i % 3]!.peerId)
      if (i % 700 === 0) cluster.revert(cluster.nodes[2]!.peerId, cluster.version - 1)
    }
    const s = store.getState()
    const g = s.groups[cluster.group]!
    for (const r of Object.values(g.replicas)) expect(r.commits.length).toBeLessThanOrEqual(50)
    expect(g.leaders.length).toBeLessThanOrEqual(8)
    expect(g.reverts.length).toBeLessThanOrEqual(8)
    expect(s.events.length).toBeLessThanOrEqual(20)
    expect(s.totals.events).toBeGreaterThan(60_000)
    expect(g.replicas[cluster.nodes[0]!.peerId]!.commit).toBe(cluster.version)
  })

  it('merges commits closer than the timeline resolution into one point', () => {
    let t = 0
    const cluster = new SyntheticCluster({ writers: 1, now: () => (t += 1) })
    const store = createDevtoolsStore({ flushInterval: 0, timelineResolution: 100 })
    store.attach(cluster.nodes[0]!)
    cluster.start()
    for (let i = 0; i < 1000; i++) cluster.write()
    const commits = store.getState().groups[cluster.group]!.replicas[cluster.nodes[0]!.peerId]!.commits
    expect(commits.length).toBeLessThanOrEqual(12)
    expect(commits.at(-1)?.version).toBe(1000)
  })

  it('keeps the identity of untouched groups and replicas (selectors stay quiet)', () => {
    const { cluster, store } = clusterWithStore(3)
    const other = new SyntheticNode('12D3KooWOther')
    store.attach(other)
    other.emit({ type: 'group.joined', at: 1, peer: other.peerId, group: 'ff'.repeat(32), preference: 'normal' })
    const before = store.getState()
    cluster.write()
    const after = store.getState()
    expect(after.groups['ff'.repeat(32)]).toBe(before.groups['ff'.repeat(32)])
    expect(after.nodes).toBe(before.nodes)
    expect(after.groups[cluster.group]).not.toBe(before.groups[cluster.group])
  })

  it('records one leader change per election, however many replicas report it, and marks reverts', () => {
    const { cluster, store } = clusterWithStore(3)
    cluster.failover()
    cluster.revert(cluster.nodes[2]!.peerId, 0)
    const g = store.getState().groups[cluster.group]!
    expect(g.leaders.map((l) => [l.term, l.leader])).toEqual([
      [2, cluster.nodes[0]!.peerId],
      [3, cluster.nodes[1]!.peerId],
    ])
    expect(g.reverts).toHaveLength(1)
    expect(g.replicas[cluster.nodes[2]!.peerId]!.reverted).toBe(1)
    // The stopped leader is gone from the group but kept as a stopped node.
    expect(g.replicas[cluster.nodes[0]!.peerId]).toBeUndefined()
    expect(store.getState().nodes[cluster.nodes[0]!.peerId]?.running).toBe(false)
    expect(leaderOf(g).leader).toBe(cluster.nodes[1]!.peerId)
  })

  it('listens only while attached, ref-counting attachments per network', () => {
    const node = new SyntheticNode('12D3KooWA')
    const store = createDevtoolsStore({ flushInterval: 0 })
    const d1 = store.attach(node)
    const d2 = store.attach(node)
    expect(node.listenerCount).toBe(1)
    d1()
    d1()
    expect(node.listenerCount).toBe(1)
    d2()
    expect(node.listenerCount).toBe(0)
    node.emit({ type: 'network.started', at: 1, peer: node.peerId, network: 'n', addresses: [] } as TelemetryEvent)
    expect(store.getState().nodes).toEqual({})
  })

  it('counts rejected inputs per node and keeps the newest', () => {
    const node = new SyntheticNode('12D3KooWA')
    const store = createDevtoolsStore({ flushInterval: 0, rejectedSize: 3 })
    store.attach(node)
    for (let i = 0; i < 10; i++) {
      node.emit({
        type: 'input.rejected',
        at: i,
        peer: node.peerId,
        remote: 'evil',
        protocol: '/mosaik/x/catalog/1',
        reason: 'bad-signature',
        detail: `#${i}`,
      })
    }
    const s = store.getState()
    expect(s.nodes[node.peerId]?.rejected).toBe(10)
    expect(s.rejected.map((r) => r.detail)).toEqual(['#7', '#8', '#9'])
  })

  it('shows refused bonds with their reason, bounded, and logs them', () => {
    const node = new SyntheticNode('12D3KooWA')
    const store = createDevtoolsStore({ flushInterval: 0, markSize: 2 })
    store.attach(node)
    const base = { peer: node.peerId, group: 'g'.repeat(64) }
    node.emit({ ...base, type: 'group.joined', at: 0, preference: 'normal' })
    for (const [i, reason] of ['missing', 'expired', 'bad-signature'].entries())
      node.emit({ ...base, type: 'group.refused', at: i + 1, remote: 'intruder', reason, detail: `#${i}` })
    const s = store.getState()
    const refused = s.groups[base.group]?.replicas[node.peerId]?.refused
    expect(refused?.map((r) => r.reason)).toEqual(['expired', 'bad-signature'])
    expect(s.events.at(-1)?.text).toMatch(/refused .*bad-signature/)
  })

  it('asks a source that can replay its past telemetry to do so on attach', () => {
    const node = new SyntheticNode('12D3KooWLate')
    const source = {
      peerId: node.peerId,
      onTelemetry: (l: (e: TelemetryEvent) => void) => node.onTelemetry(l),
      replayTelemetry: (l: (e: TelemetryEvent) => void) => {
        l({
          type: 'group.joined',
          at: 1,
          peer: node.peerId,
          group: 'aa'.repeat(32),
          store: 'bb'.repeat(32),
          preference: 'observer',
        })
      },
    }
    const store = createDevtoolsStore({ flushInterval: 0 })
    store.attach(source)
    const g = selectGroup(store.getState(), { storeId: 'bb'.repeat(32) })
    expect(g?.replicas[node.peerId]?.preference).toBe('observer')
  })

  it("ignores a departing member's teardown reports about bonds between others", () => {
    const { cluster, store } = clusterWithStore(3)
    const [a, b, c] = cluster.nodes.map((n) => n.peerId) as [string, string, string]
    // c leaves: it reports the a–b bond down as it clears its view of the mesh.
    cluster.nodes[2]!.emit({ type: 'group.mesh', at: 1e6, peer: c, group: cluster.group, a, b, up: false })
    const g = store.getState().groups[cluster.group]!
    expect(Object.values(g.mesh).find((e) => [e.a, e.b].sort().join() === [a, b].sort().join())?.up).toBe(true)
  })

  it('forgets the oldest down bonds when peers keep coming and going', () => {
    const node = new SyntheticNode('12D3KooWSteady')
    const store = createDevtoolsStore({ flushInterval: 0, downBonds: 4 })
    store.attach(node)
    const group = 'cc'.repeat(32)
    for (let i = 0; i < 100; i++) {
      for (const up of [true, false]) {
        node.emit({ type: 'group.bond', at: i * 2 + (up ? 0 : 1), peer: node.peerId, group, remote: `churn-${i}`, up })
      }
    }
    const g = store.getState().groups[group]!
    expect(Object.keys(g.replicas[node.peerId]!.bonds)).toEqual(['churn-96', 'churn-97', 'churn-98', 'churn-99'])
    expect(Object.keys(g.mesh)).toHaveLength(4)
  })
})
