import { expect, it, describe as suite } from 'vitest'
import { Cluster } from './cluster.js'

function threeNodes(options: ConstructorParameters<typeof Cluster>[0] = {}): Cluster {
  const cluster = new Cluster({ noop: true, ...options })
  for (const id of ['a', 'b', 'c']) cluster.add(id)
  return cluster
}

suite('raft core', () => {
  it('elects one leader and replicates a proposal to every member', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    expect(cluster.leader()?.id).toBe('a')
    const id = cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    expect(cluster.get('a').proposals).toEqual([{ requestId: id, indices: [2] }])
    for (const m of cluster.members.values()) expect(m.applied).toEqual(['x'])
  })

  it('forwards a follower proposal to the leader and returns the assigned index', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    const id = cluster.get('b').raft.propose(['y', 'z'])
    cluster.stabilize()
    expect(cluster.get('b').proposals).toEqual([{ requestId: id, indices: [2, 3] }])
    cluster.tickAll(3)
    cluster.stabilize()
    for (const m of cluster.members.values()) expect(m.applied).toEqual(['y', 'z'])
  })

  it('serves a strong read through the leader once leadership is confirmed', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    const id = cluster.get('c').raft.readIndex()
    cluster.stabilize()
    expect(cluster.get('c').reads).toEqual([{ requestId: id, index: 2 }])
  })

  it('rejects a proposal when no leader is known', () => {
    const cluster = threeNodes()
    const id = cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    expect(cluster.get('a').proposals).toEqual([{ requestId: id, indices: undefined, reason: 'noLeader' }])
  })

  it('elects a new leader after the leader crashes and keeps committed entries', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    cluster.crash('a')
    cluster.campaign('b')
    expect(cluster.leader()?.id).toBe('b')
    cluster.get('b').raft.propose(['y'])
    cluster.stabilize()
    cluster.restart('a', true)
    cluster.tickAll(3)
    cluster.stabilize()
    for (const m of cluster.members.values()) expect(m.applied).toEqual(['x', 'y'])
  })
})
