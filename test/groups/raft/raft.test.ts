import { expect, it, describe as suite } from 'vitest'
import { describe } from '../../../src/groups/raft/index.js'
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

suite('raft core details', () => {
  it('persists the vote in the same Ready that carries it (persist before send)', () => {
    const cluster = threeNodes()
    cluster.tick('a', 10)
    cluster.processReadies()
    const b = cluster.get('b').raft
    const request = { type: 'requestVote' as const, term: 1, from: 'a', to: 'b', lastIndex: 0, lastTerm: 0 }
    b.step(request)
    const ready = b.ready()
    expect(ready.hardState).toEqual({ term: 1, votedFor: 'a', commit: 0, caughtUp: false })
    expect(ready.messages.map(describe)).toEqual(['Vote[t=1/granted]'])
  })

  it('appends a forwarded command once when the network delivers it twice', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    const forward = { type: 'forwardCommand' as const, term: 1, from: 'b', to: 'a', requestId: 7, commands: ['x'] }
    const a = cluster.get('a').raft
    a.step(forward)
    a.step(forward)
    const acks = a.ready().messages.filter((m) => m.type === 'forwardCommandAck')
    expect(acks.map(describe)).toEqual(['ForwardCommandAck[t=1/id=7/ix=2]', 'ForwardCommandAck[t=1/id=7/ix=2]'])
    expect(a.status().lastIndex).toBe(2)
  })

  it('stops committing in strict mode when the committee falls below floor(minVoters/2)+1', () => {
    const cluster = threeNodes({ minVoters: 3 })
    cluster.campaign('a')
    cluster.crash('b')
    cluster.crash('c')
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    expect(cluster.get('a').raft.status().commit).toBe(1)
    expect(cluster.get('a').applied).toEqual([])
  })

  it('commits alone in default mode when it is the only connected voter', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    cluster.crash('b')
    cluster.crash('c')
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    expect(cluster.get('a').applied).toEqual(['x'])
  })

  it('refuses to compact past the applied index', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    expect(() => cluster.get('a').raft.compact(5)).toThrow(/past applied/)
  })

  it('times out a forwarded proposal whose ack never comes, with an unknown outcome', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    cluster.cutLink('b', 'a')
    const id = cluster.get('b').raft.propose(['x'])
    cluster.processReadies()
    for (let i = 0; i < 40; i++) cluster.get('b').raft.tick()
    cluster.processReadies()
    expect(cluster.get('b').proposals.at(-1)).toEqual({ requestId: id, indices: undefined, reason: 'timeout' })
  })

  it('describes every message on one line', () => {
    const base = { term: 3, from: 'a', to: 'b' }
    const lines = [
      describe({ ...base, type: 'appendEntries', prevIndex: 7, prevTerm: 2, entries: [], commit: 7 }),
      describe({ ...base, type: 'appendEntriesResponse', success: false, lastIndex: 4, lagging: true }),
      describe({ ...base, type: 'needsSnapshot', index: 40, snapshotTerm: 2 }),
      describe({ ...base, type: 'requestVote', lastIndex: 7, lastTerm: 2 }),
      describe({ ...base, type: 'vote', vote: 'abstained' }),
      describe({ ...base, type: 'forwardCommand', requestId: 1, commands: ['x', 'y'] }),
      describe({ ...base, type: 'forwardCommandAck', requestId: 1, indices: [8, 9] }),
      describe({ ...base, type: 'readIndex', requestId: 2 }),
      describe({ ...base, type: 'readIndexAck', requestId: 2, index: undefined }),
    ]
    expect(lines).toEqual([
      'AppendEntries[t=3/pos=2:7/n=0/c=7]',
      'AppendEntriesResponse[t=3/lagging/last=4]',
      'NeedsSnapshot[t=3/at=2:40]',
      'RequestVote[t=3/log=2:7]',
      'Vote[t=3/abstained]',
      'ForwardCommand[t=3/id=1/n=2]',
      'ForwardCommandAck[t=3/id=1/ix=8..9]',
      'ReadIndex[t=3/id=2]',
      'ReadIndexAck[t=3/id=2/ix=none]',
    ])
  })
})

suite('check-quorum (strict mode, Raft §6.2)', () => {
  /** Tick every live member once and deliver everything, `ticks` times: a healthy, prompt network. */
  function run(cluster: Cluster, ticks: number): void {
    for (let i = 0; i < ticks; i++) {
      cluster.tickAll(1)
      cluster.stabilize()
    }
  }

  function fiveNodes(options: ConstructorParameters<typeof Cluster>[0] = {}): Cluster {
    const cluster = new Cluster({ noop: true, ...options })
    for (const id of ['a', 'b', 'c', 'd', 'e']) cluster.add(id)
    return cluster
  }

  it('steps a leader that keeps only a minority down within one election timeout, failing pending reads', () => {
    const cluster = fiveNodes({ minVoters: 5 })
    cluster.campaign('a')
    cluster.partition(['a', 'b'], ['c', 'd', 'e'])
    const a = cluster.get('a')
    const b = cluster.get('b')
    const own = a.raft.readIndex()
    const forwarded = b.raft.readIndex()
    cluster.stabilize()
    // b still answers every heartbeat, but a and b are two of the three votes strict mode needs.
    for (let i = 0; i < 9; i++) {
      cluster.tick('a')
      cluster.stabilize()
    }
    expect(a.raft.status().role).toBe('leader')
    cluster.tick('a')
    cluster.stabilize()
    expect(a.raft.status()).toMatchObject({ role: 'follower', leader: undefined, term: 1 })
    expect(a.reads).toEqual([{ requestId: own, index: undefined, reason: 'steppedDown' }])
    // The refusal reaches the follower that forwarded the read: an unknown outcome for its caller.
    expect(b.reads).toEqual([{ requestId: forwarded, index: undefined, reason: 'timeout' }])
    const refused = a.raft.propose(['x'])
    cluster.processReadies()
    expect(a.proposals.at(-1)).toEqual({ requestId: refused, indices: undefined, reason: 'noLeader' })
  })

  it('steps down when bonded voters stop answering, even though the driver still reports them up', () => {
    const cluster = threeNodes({ minVoters: 3 })
    cluster.campaign('a')
    const a = cluster.get('a')
    // Ticks without delivery: heartbeats go out, no answer comes back, no peerDown is reported.
    // The answers to a's first heartbeat came in this window, so it survives the first check…
    cluster.tick('a', 10)
    cluster.processReadies()
    expect(a.raft.status().role).toBe('leader')
    // …but not the second: nobody answered since.
    cluster.tick('a', 10)
    cluster.processReadies()
    expect(a.raft.status().peers.size).toBe(2)
    expect(a.raft.status()).toMatchObject({ role: 'follower', leader: undefined })
  })

  it('keeps a leader that hears from a quorum in office through many election timeouts', () => {
    const cluster = fiveNodes({ minVoters: 5 })
    cluster.campaign('a')
    // Two followers crash: a, b and c are still the three votes strict mode needs.
    cluster.crash('d')
    cluster.crash('e')
    run(cluster, 100)
    expect(cluster.get('a').raft.status()).toMatchObject({ role: 'leader', term: 1 })
    cluster.get('a').raft.propose(['x'])
    run(cluster, 1)
    expect(cluster.get('c').applied).toEqual(['x'])
  })

  it('does not apply in default mode: a leader alone in its partition keeps leading it (mosaik)', () => {
    const cluster = threeNodes()
    cluster.campaign('a')
    cluster.partition(['a'], ['b', 'c'])
    for (let i = 0; i < 50; i++) {
      cluster.tick('a')
      cluster.stabilize()
    }
    expect(cluster.get('a').raft.status()).toMatchObject({ role: 'leader', term: 1 })
  })

  it('brings the stepped-down leader back under the majority leader after the heal, dropping its uncommitted entry', () => {
    const cluster = threeNodes({ minVoters: 3 })
    cluster.campaign('a')
    cluster.partition(['a'], ['b', 'c'])
    cluster.get('a').raft.propose(['lost'])
    cluster.stabilize()
    cluster.tick('a', 10)
    cluster.processReadies()
    expect(cluster.get('a').raft.status().role).toBe('follower')
    cluster.campaign('b')
    cluster.get('b').raft.propose(['kept'])
    cluster.stabilize()
    cluster.heal()
    run(cluster, 30)
    for (const m of cluster.members.values()) {
      expect(m.raft.status()).toMatchObject({ leader: 'b', commit: 3 })
      expect(m.applied).toEqual(['kept'])
    }
  })
})
