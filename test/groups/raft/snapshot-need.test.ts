import { describe, expect, it } from 'vitest'
import { Cluster } from './cluster.js'

describe('raft core snapshot needs', () => {
  it('ignores a needsSnapshot for a point it already installed (sent before the install)', () => {
    const cluster = new Cluster({ noop: true })
    cluster.add('a')
    cluster.campaign('a')
    const b = cluster.add('b')
    b.raft.installSnapshot(1, 1)
    b.raft.step({ type: 'needsSnapshot', term: 1, from: 'a', to: 'b', index: 1, snapshotTerm: 1 })
    expect(b.raft.ready().needsSnapshot).toBeUndefined()
    expect(b.raft.status()).toMatchObject({ needsSnapshot: undefined, lagging: false, leader: 'a' })
  })

  it('still reports a need past its snapshot point', () => {
    const cluster = new Cluster({ noop: true })
    cluster.add('a')
    cluster.campaign('a')
    const b = cluster.add('b')
    b.raft.installSnapshot(1, 1)
    b.raft.step({ type: 'needsSnapshot', term: 1, from: 'a', to: 'b', index: 5, snapshotTerm: 1 })
    expect(b.raft.ready().needsSnapshot).toEqual({ leader: 'a', index: 5, term: 1 })
  })
})
