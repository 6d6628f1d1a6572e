import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { MemberParts } from '../../../src/groups/member/parts.js'
import { Snapshots } from '../../../src/groups/member/snapshots.js'
import type { LeadershipPreference } from '../../../src/groups/raft/types.js'
import { Timers } from '../../../src/groups/timers.js'

/**
 * `Snapshots.keepsOut`: a member whose state a revert spoiled, with nothing local to rebuild it
 * from, stays out of elections while another member may lead (default-short-tail seeds 24, 216,
 * 266, 282, 284 of the driver simulator stayed syncing for good without it).
 */
function member(opts: { applied: number; firstIndex: number; peers: [string, LeadershipPreference][] }) {
  const refreshed: number[] = []
  const status = {
    role: 'follower',
    leader: undefined,
    term: 3,
    commit: 20,
    firstIndex: opts.firstIndex,
    peers: new Map(opts.peers),
  }
  const parts = {
    id: { short: () => 'g' },
    peerId: 'self',
    net: { peerId: 'self' },
    sm: {
      catchUp: 'snapshot',
      createSnapshot: () => ({ length: 0, range: () => [] }),
      installSnapshot: () => {},
    },
    consensus: { minVoters: 0 },
    syncConfig: { fetchBatchSize: 10, snapshotTtl: 1_000, snapshotRequestTimeout: 1_500, fetchTimeout: 500 },
    timers: new Timers(new ManualClock()),
    core: {
      status: () => status,
      snapshotPoint: (i: number) => (i === 0 ? { index: 0, term: 0 } : undefined),
      entries: () => [],
    },
    applier: { applied: opts.applied },
    telemetry: { emit: () => {}, refused: () => {} },
    bonds: { peers: () => opts.peers.map(([p]) => p), send: () => true },
    closed: false,
    input: (fn: () => void) => fn(),
    publish: () => {},
    refreshPreference: () => refreshed.push(1),
  } as unknown as MemberParts
  const snapshots = new Snapshots(parts, () => {}, { noteReverted: () => {} }, { at: 0, withState: false })
  return { snapshots, refreshed, status }
}

describe('a member whose state must be replaced', () => {
  it('stays out while a bonded writer may lead, or while it is alone', () => {
    const writer = member({ applied: 14, firstIndex: 13, peers: [['w2', 'normal']] })
    expect(writer.snapshots.keepsOut).toBe(false)
    // Entries up to 14 applied; the revert takes 14 back, and the log behind the checkpoint at 0 is gone.
    writer.snapshots.reverted(13)
    expect(writer.snapshots.keepsOut).toBe(true)
    expect(writer.refreshed.length).toBe(1)
    writer.status.peers.clear()
    expect(writer.snapshots.keepsOut).toBe(true)
  })

  it('stands when every bonded member is a reader: nobody else can lead, and a reader may serve its log', () => {
    const m = member({
      applied: 14,
      firstIndex: 13,
      peers: [
        ['r1', 'observer'],
        ['r2', 'observer'],
      ],
    })
    m.snapshots.reverted(13)
    expect(m.snapshots.keepsOut).toBe(false)
    m.status.peers.set('w2', 'reluctant')
    expect(m.snapshots.keepsOut).toBe(true)
  })

  it('is not kept out by a revert of entries it never applied', () => {
    const m = member({ applied: 12, firstIndex: 13, peers: [['w2', 'normal']] })
    m.snapshots.reverted(13)
    expect(m.snapshots.keepsOut).toBe(false)
    expect(m.refreshed.length).toBe(0)
  })
})
