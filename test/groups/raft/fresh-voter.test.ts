import { expect, it, describe as suite } from 'vitest'
import type { Entry, HardState, RaftCore } from '../../../src/groups/raft/index.js'
import { createRaft } from '../../../src/groups/raft/index.js'
import { Cluster } from './cluster.js'

function strictThree(): Cluster {
  const cluster = new Cluster({ noop: true, minVoters: 3 })
  for (const id of ['a', 'b', 'c']) cluster.add(id)
  return cluster
}

/** a leads; x is committed by a and b while c is cut off; then a crashes and b loses its disk. */
function committedThenLost(): Cluster {
  const cluster = strictThree()
  cluster.campaign('a')
  cluster.partition(['a', 'b'], ['c'])
  cluster.get('a').raft.propose(['x'])
  cluster.stabilize()
  expect(cluster.get('a').applied).toEqual(['x'])
  expect(cluster.get('c').raft.status().lastIndex).toBe(1)
  cluster.crash('a')
  cluster.crash('b')
  cluster.restart('b', false)
  cluster.heal()
  return cluster
}

/** Ask `raft` (member b) for its vote from candidate c and return the answer (`granted/learner`, say). */
function voteOf(raft: RaftCore<string>, lastIndex: number, lastTerm: number): string | undefined {
  raft.peerUp('c', 'normal')
  raft.step({ type: 'requestVote', term: 9, from: 'c', to: 'b', lastIndex, lastTerm })
  const vote = raft.ready().messages.find((m) => m.type === 'vote')
  return vote?.type === 'vote' ? `${vote.vote}${vote.learner ? '/learner' : ''}` : undefined
}

/** Member b restored from a store holding entries 1..4 of term 2 (a partial catch-up, or not). */
function restored(hardState: HardState): RaftCore<string> {
  const entries: Entry<string>[] = [1, 2, 3, 4].map((index) => ({
    term: 2,
    index,
    command: `e${index}`,
    leader: 'a#1',
  }))
  return createRaft<string>(new Cluster({ minVoters: 3 }).config('b', 'normal'), { hardState, entries })
}

suite('strict mode: a member that starts with an empty log votes only once caught up', () => {
  it('a fresh member does not vote in a candidate that lacks committed entries', () => {
    const cluster = committedThenLost()
    cluster.campaign('c')
    // Without the rule b grants (its log is empty) and c + b overwrite the committed x.
    expect(cluster.leader()).toBeUndefined()
    expect(cluster.transcript).toContain(`b->c Vote[t=${cluster.get('c').raft.status().term}/granted/learner]`)
    cluster.restart('a', true)
    // a's first round is term 2, where c voted for itself and b already answered: a second wins.
    cluster.campaign('a')
    cluster.campaign('a')
    expect(cluster.leader()?.id).toBe('a')
    cluster.stabilize()
    for (const m of cluster.members.values()) expect(m.applied).toEqual(['x'])
  })

  it('votes normally once a leader caught it up, and persists that', () => {
    const cluster = committedThenLost()
    cluster.restart('a', true)
    cluster.campaign('a')
    cluster.stabilize()
    expect(cluster.get('b').disk.hardState.caughtUp).toBe(true)
    cluster.crash('a')
    cluster.crash('b')
    cluster.restart('b', true)
    cluster.campaign('c')
    expect(cluster.leader()?.id).toBe('c')
    cluster.get('c').raft.propose(['y'])
    cluster.stabilize()
    expect(cluster.get('b').applied).toEqual(['x', 'y'])
  })

  it('a new group still forms: an empty-log candidate gets every empty-log vote', () => {
    const cluster = strictThree()
    cluster.campaign('b')
    expect(cluster.leader()?.id).toBe('b')
  })

  it('a partial catch-up restored from a store grants only as a learner and does not stand', () => {
    const partial = restored({ term: 2, votedFor: undefined, commit: 4, caughtUp: false })
    expect(voteOf(partial, 4, 2)).toBe('granted/learner')
    const standing = restored({ term: 2, votedFor: undefined, commit: 4, caughtUp: false })
    for (let i = 0; i < 100; i++) standing.tick()
    expect(standing.status()).toMatchObject({ role: 'follower', term: 2 })
  })

  it('with 4 voters, 2 caught-up grants and a learner win; 1 caught-up grant and 2 learners do not', () => {
    const cluster = new Cluster({ noop: true, minVoters: 4 })
    for (const id of ['a', 'b', 'c', 'd']) cluster.add(id)
    cluster.campaign('a')
    cluster.get('a').raft.propose(['x'])
    cluster.stabilize()
    // b loses its disk and d is replaced by a fresh member while no leader can catch them up.
    cluster.crash('a')
    for (const id of ['b', 'd']) {
      cluster.crash(id)
      cluster.restart(id, false)
    }
    cluster.campaign('c')
    // c, b and d are 3 grants (the quorum), but b and d are learners: c might lack what a holds.
    expect(cluster.leader()).toBeUndefined()
    cluster.restart('a', true)
    cluster.campaign('c')
    expect(cluster.leader()?.id).toBe('c')
    cluster.stabilize()
    for (const m of cluster.members.values()) expect(m.applied).toEqual(['x'])
  })

  it('does not stall a new group whose first leader reached one member of five before it crashed', () => {
    const cluster = new Cluster({ noop: true, minVoters: 5 })
    for (const id of ['a', 'b', 'c', 'd', 'e']) cluster.add(id)
    for (let i = 0; i < 1000 && cluster.get('c').raft.status().role === 'follower'; i++) cluster.tick('c')
    cluster.round() // vote requests
    cluster.round() // votes: c leads and appends its no-op
    expect(cluster.leader()?.id).toBe('c')
    for (const id of ['a', 'd', 'e']) cluster.cutLink('c', id)
    cluster.stabilize()
    // c's no-op reached b only; a, d and e never got an entry, so they are still learners.
    expect(cluster.get('b').raft.status().lastIndex).toBe(1)
    expect(cluster.get('a').raft.status().lastIndex).toBe(0)
    cluster.crash('c')
    cluster.campaign('b')
    expect(cluster.transcript).toContain(`a->b Vote[t=${cluster.get('b').raft.status().term}/granted/learner]`)
    expect(cluster.leader()?.id).toBe('b')
  })

  it('a caught-up store votes; a store older than the flag with a log counts as caught up', () => {
    expect(voteOf(restored({ term: 2, votedFor: undefined, commit: 4, caughtUp: true }), 4, 2)).toBe('granted')
    expect(voteOf(restored({ term: 2, votedFor: undefined, commit: 4 }), 4, 2)).toBe('granted')
  })

  it('strict mode grants from an empty log once caught up; default mode abstains as any laggard does', () => {
    const caughtUp = createRaft<string>(new Cluster({ minVoters: 3 }).config('b', 'normal'), {
      hardState: { term: 0, votedFor: undefined, commit: 0, caughtUp: true },
      entries: [],
    })
    expect(voteOf(caughtUp, 4, 2)).toBe('granted')
    const raft = createRaft<string>(new Cluster().config('b', 'normal'))
    expect(voteOf(raft, 4, 2)).toBe('abstained')
  })
})
