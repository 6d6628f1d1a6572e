import { describe, expect, it } from 'vitest'
import { Cluster } from './cluster.js'

/** Leader `a` of three, with `deferCommitNotice` set on every member. */
function deferring(): Cluster {
  const cluster = new Cluster({ noop: true, config: { deferCommitNotice: true } })
  for (const id of ['a', 'b', 'c']) cluster.add(id)
  cluster.campaign('a')
  cluster.get('a').raft.announceCommit()
  cluster.stabilize()
  return cluster
}

const lastOf = (cluster: Cluster, id: string) => cluster.get(id).applied.at(-1)

describe('raft core: deferred commit notices (RaftConfig.deferCommitNotice)', () => {
  it('commits on the leader at once but tells followers only when announced', () => {
    const cluster = deferring()
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    expect(lastOf(cluster, 'a')).toBe('x')
    expect(cluster.get('a').raft.commitNoticeDue()).toBe(true)
    // Without the notice the followers hold the entry but have not applied it.
    expect(lastOf(cluster, 'b')).toBeUndefined()
    expect(lastOf(cluster, 'c')).toBeUndefined()
    cluster.get('a').raft.announceCommit()
    expect(cluster.get('a').raft.commitNoticeDue()).toBe(false)
    cluster.stabilize()
    expect(lastOf(cluster, 'b')).toBe('x')
    expect(lastOf(cluster, 'c')).toBe('x')
  })

  it('lets the next AppendEntries carry the commit, so no separate heartbeat goes out', () => {
    const cluster = deferring()
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    cluster.get('a').raft.propose(['y'])
    // The append of `y` carries the commit of `x`: the followers apply `x` with no announcement.
    cluster.stabilize()
    expect(lastOf(cluster, 'b')).toBe('x')
    expect(lastOf(cluster, 'c')).toBe('x')
    expect(lastOf(cluster, 'a')).toBe('y')
  })

  it('without the setting a commit is sent at once (mosaik), and nothing is ever due', () => {
    const cluster = new Cluster({ noop: true })
    for (const id of ['a', 'b', 'c']) cluster.add(id)
    cluster.campaign('a')
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    expect(cluster.get('a').raft.commitNoticeDue()).toBe(false)
    for (const id of ['a', 'b', 'c']) expect(lastOf(cluster, id)).toBe('x')
  })

  it('a follower never has a notice due, and announcing there does nothing', () => {
    const cluster = deferring()
    cluster.get('b').raft.announceCommit()
    expect(cluster.get('b').raft.hasReady()).toBe(false)
    expect(cluster.get('b').raft.commitNoticeDue()).toBe(false)
  })
})
