import { describe, expect, it } from 'vitest'
import { Cluster } from './cluster.js'

/** `b` follows leader `a` and installed a snapshot at index 1; `a` then says b needs one at `index`. */
function needAfterInstall(index: number) {
  const cluster = new Cluster({ noop: true })
  cluster.add('a')
  cluster.campaign('a')
  const b = cluster.add('b').raft
  b.installSnapshot(1, 1)
  b.step({ type: 'needsSnapshot', term: 1, from: 'a', to: 'b', index, snapshotTerm: 1 })
  return b
}

describe('raft core snapshot needs', () => {
  it('ignores a needsSnapshot for a point it already installed (sent before the install)', () => {
    const b = needAfterInstall(1)
    expect(b.ready().needsSnapshot).toBeUndefined()
    expect(b.status()).toMatchObject({ needsSnapshot: undefined, lagging: false, leader: 'a' })
  })

  it('still reports a need past its snapshot point', () => {
    expect(needAfterInstall(5).ready().needsSnapshot).toEqual({ leader: 'a', index: 5, term: 1 })
  })
})
