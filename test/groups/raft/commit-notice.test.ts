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

  it("calls a due notice awaited only while it completes a follower's forwarded command", () => {
    const cluster = deferring()
    const a = cluster.get('a').raft
    // The leader's own command: due, but nobody else waits for it.
    a.propose(['x'])
    cluster.stabilize()
    expect(a.commitNoticeDue()).toBe(true)
    expect(a.commitAwaited()).toBe(false)
    // A follower's forwarded command: its caller waits for the follower to apply it.
    cluster.get('b').raft.propose(['y'])
    cluster.stabilize()
    expect(lastOf(cluster, 'a')).toBe('y')
    expect(lastOf(cluster, 'b')).toBe('x')
    expect(a.commitAwaited()).toBe(true)
    a.announceCommit()
    cluster.stabilize()
    expect(lastOf(cluster, 'b')).toBe('y')
    expect(a.commitAwaited()).toBe(false)
    // Once told, a later command of the leader's own is not awaited again.
    a.propose(['z'])
    cluster.stabilize()
    expect(a.commitNoticeDue()).toBe(true)
    expect(a.commitAwaited()).toBe(false)
  })

  it('does not call a forwarded command awaited before it commits', () => {
    const cluster = deferring()
    const a = cluster.get('a').raft
    cluster.get('b').raft.propose(['y'])
    // One round: b's forward reaches a, which appends it; no follower has acknowledged it yet.
    cluster.round()
    expect(a.status().lastIndex).toBeGreaterThan(a.status().commit)
    expect(a.commitAwaited()).toBe(false)
    cluster.stabilize()
    expect(a.commitAwaited()).toBe(true)
  })

  it("calls an earlier follower's command awaited while a later one is still uncommitted", () => {
    const cluster = deferring()
    const a = cluster.get('a').raft
    cluster.get('b').raft.propose(['x'])
    // b's forward reaches a, which appends x and sends it; then c's forward appends y.
    cluster.round()
    cluster.get('c').raft.propose(['y'])
    cluster.round()
    // The acknowledgements of x reach a: x commits, y does not yet.
    cluster.round()
    expect(a.status().commit).toBe(a.status().lastIndex - 1)
    expect(a.commitAwaited()).toBe(true)
  })

  it("calls the point of a follower's strong read awaited once it is answered", () => {
    const cluster = deferring()
    const a = cluster.get('a').raft
    // b asks for a read point while x commits: a's probe carries the commit from before x, so
    // the read is answered with x's index, which b does not know yet: it waits to apply it.
    cluster.get('b').raft.readIndex()
    a.propose(['x'])
    cluster.stabilize()
    expect(lastOf(cluster, 'a')).toBe('x')
    expect(lastOf(cluster, 'b')).toBeUndefined()
    expect(a.commitAwaited()).toBe(true)
  })

  it('a leader that steps down to observer first tells the commit it deferred', () => {
    const cluster = deferring()
    const a = cluster.get('a').raft
    a.propose(['x'])
    cluster.stabilize()
    expect(a.commitNoticeDue()).toBe(true)
    a.setPreference('observer')
    cluster.stabilize()
    expect(a.status().role).toBe('follower')
    for (const id of ['b', 'c']) expect(lastOf(cluster, id)).toBe('x')
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

  it('sends the notice quiet: followers that match do not answer it', () => {
    const cluster = deferring()
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    const from = cluster.transcript.length
    cluster.get('a').raft.announceCommit()
    cluster.stabilize()
    const sent = cluster.transcript.slice(from).filter((l) => l.includes('->'))
    expect(sent).toEqual([
      expect.stringMatching(/^a->b AppendEntries\[.*\/n=0\/c=\d+\/quiet\]$/),
      expect.stringMatching(/^a->c AppendEntries\[.*\/n=0\/c=\d+\/quiet\]$/),
    ])
    for (const id of ['b', 'c']) expect(lastOf(cluster, id)).toBe('x')
  })

  it("answers the clock's heartbeats and a strong read's probe, which the leader counts", () => {
    const cluster = deferring()
    const from = cluster.transcript.length
    cluster.tick('a', 10)
    cluster.stabilize()
    const clock = cluster.transcript.slice(from)
    expect(clock.some((l) => /^a->b AppendEntries\[.*\/n=0/.test(l) && !l.includes('quiet'))).toBe(true)
    expect(clock.some((l) => l.startsWith('b->a AppendEntriesResponse'))).toBe(true)
    const mark = cluster.transcript.length
    const read = cluster.get('a').raft.readIndex()
    cluster.stabilize()
    const probe = cluster.transcript.slice(mark)
    expect(probe.some((l) => /^a->b AppendEntries\[.*\/p=\d+\]$/.test(l))).toBe(true)
    expect(probe.some((l) => /^b->a AppendEntriesResponse\[.*\/p=\d+\]$/.test(l))).toBe(true)
    expect(cluster.get('a').reads.map((r) => r.requestId)).toContain(read)
  })

  it('a lagging follower answers a quiet notice, so the leader walks it forward', () => {
    const cluster = deferring()
    cluster.cutLink('a', 'c', true)
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    cluster.get('a').raft.propose(['y'])
    cluster.stabilize()
    cluster.heal()
    cluster.get('a').raft.announceCommit()
    cluster.stabilize()
    // c missed both appends: the quiet notice does not match its log, it answers lagging and
    // the leader sends what it lacks.
    expect(cluster.transcript.some((l) => l.startsWith('c->a AppendEntriesResponse') && l.includes('lagging'))).toBe(
      true,
    )
    expect(cluster.get('c').applied).toEqual(['x', 'y'])
  })
})
