import { expect, it, describe as suite } from 'vitest'
import { Cluster } from './cluster.js'

function threeNodes(): Cluster {
  const cluster = new Cluster({ noop: true })
  for (const id of ['a', 'b', 'c']) cluster.add(id)
  cluster.campaign('a')
  return cluster
}

/** `b` forwards `x` to its leader and the bond drops the forward (the driver's Ready goes nowhere). */
function forwardLost(cluster: Cluster): number {
  const b = cluster.get('b').raft
  const id = b.propose(['x'])
  const rd = b.ready()
  expect(rd.messages.map((m) => m.type)).toEqual(['forwardCommand'])
  b.advance()
  return id
}

/** Ticks and delivers until the leader heartbeats (a few heartbeat periods at most). */
function heartbeats(cluster: Cluster): void {
  for (let i = 0; i < 5; i++) {
    cluster.tickAll(1)
    cluster.stabilize()
  }
}

function copies(cluster: Cluster, id: string, command: string): number {
  const status = cluster.get(id).raft.status()
  return cluster
    .get(id)
    .raft.entries(status.firstIndex, status.lastIndex)
    .filter((e) => e.command === command).length
}

suite('raft core: a forward lost with its bond', () => {
  it('goes again when the leader whose bond was replaced speaks again, and is appended once', () => {
    const cluster = threeNodes()
    const id = forwardLost(cluster)
    // The bond was replaced: the driver reports the leader up again, without a down.
    cluster.get('b').raft.peerUp('a', 'normal')
    heartbeats(cluster)
    expect(cluster.get('b').proposals).toEqual([{ requestId: id, indices: [2] }])
    expect(copies(cluster, 'a', 'x')).toBe(1)
  })

  it('goes again after the bond went down and came back, and a copy the leader had is answered alike', () => {
    const cluster = threeNodes()
    const id = cluster.get('b').raft.propose(['x'])
    // The forward arrives; the answer is lost with the link, which the follower sees go down.
    cluster.cutLink('a', 'b')
    cluster.stabilize()
    expect(cluster.get('b').proposals).toEqual([])
    expect(copies(cluster, 'a', 'x')).toBe(1)
    cluster.heal()
    heartbeats(cluster)
    expect(cluster.get('b').proposals).toEqual([{ requestId: id, indices: [2] }])
    expect(copies(cluster, 'a', 'x')).toBe(1)
  })

  it('does not go to a leader of a later term (it may have restarted and forgotten it)', () => {
    const cluster = threeNodes()
    const id = forwardLost(cluster)
    cluster.get('b').raft.peerDown('a')
    // `c` leads term 2, then `a` term 3: the same member, but not the term `b` forwarded in.
    cluster.campaign('c')
    cluster.campaign('a')
    expect(cluster.leader()?.id).toBe('a')
    expect(cluster.get('a').raft.status().term).toBe(3)
    cluster.get('b').raft.peerUp('a', 'normal')
    heartbeats(cluster)
    expect(copies(cluster, 'a', 'x')).toBe(0)
    // It ends at the forward timeout, outcome unknown, as before.
    for (let i = 0; i < 40 && cluster.get('b').proposals.length === 0; i++) heartbeats(cluster)
    expect(cluster.get('b').proposals).toEqual([{ requestId: id, indices: undefined, reason: 'timeout' }])
  })
})
