import { describe, expect, it } from 'vitest'
import { Cluster } from './cluster.js'

/** `setPreference`: a member's leadership preference changes at runtime (a reader replica gains a writer). */
describe('raft core preference changes', () => {
  it('an observer never stands, and stands and wins once it becomes normal', () => {
    const cluster = new Cluster({ noop: true })
    const a = cluster.add('a', 'observer')
    cluster.tick('a', 100)
    cluster.stabilize()
    expect(a.raft.status()).toMatchObject({ role: 'follower', term: 0 })

    a.raft.setPreference('normal')
    cluster.campaign('a')
    expect(a.raft.status()).toMatchObject({ role: 'leader', term: 1 })
    a.raft.propose(['x'])
    cluster.stabilize()
    expect(a.applied).toEqual(['x'])
  })

  it('grants its vote once normal instead of abstaining as an observer', () => {
    const cluster = new Cluster()
    cluster.add('a')
    cluster.add('b', 'observer')
    const request = { type: 'requestVote' as const, from: 'a', to: 'b', lastIndex: 0, lastTerm: 0 }
    const b = cluster.get('b').raft
    b.step({ ...request, term: 1 })
    expect(b.ready().messages.map((m) => m.type === 'vote' && m.vote)).toEqual(['abstained'])
    b.advance()
    b.setPreference('normal')
    b.step({ ...request, term: 2 })
    expect(b.ready().messages.map((m) => m.type === 'vote' && m.vote)).toEqual(['granted'])
  })

  it('counts an upgraded member in the commit quorum once its peers learn the new preference', () => {
    const cluster = new Cluster({ noop: true })
    cluster.add('a')
    cluster.add('b', 'observer')
    cluster.campaign('a')
    const a = cluster.get('a').raft
    // The committee is {a}: a commits before b answers.
    a.propose(['x'])
    cluster.processReadies()
    expect(a.status().commit).toBe(a.status().lastIndex)
    cluster.stabilize()

    // b becomes normal and a hears of it: now b's acknowledgement is needed to commit.
    cluster.get('b').raft.setPreference('normal')
    a.peerUp('b', 'normal')
    a.propose(['y'])
    cluster.processReadies()
    expect(a.status().commit).toBe(a.status().lastIndex - 1)
    cluster.stabilize()
    expect(a.status().commit).toBe(a.status().lastIndex)
    expect(cluster.get('b').applied).toEqual(['x', 'y'])
  })

  it('a leader that becomes an observer steps down and stays out of elections', () => {
    const cluster = new Cluster({ noop: true })
    cluster.add('a')
    cluster.campaign('a')
    const a = cluster.get('a').raft
    expect(a.status().role).toBe('leader')

    a.setPreference('observer')
    expect(a.status()).toMatchObject({ role: 'follower', leader: undefined, term: 1 })
    cluster.stabilize()
    cluster.tick('a', 100)
    cluster.stabilize()
    expect(a.status()).toMatchObject({ role: 'follower', term: 1 })
  })

  it('a candidate that becomes an observer gives up its election', () => {
    const cluster = new Cluster()
    cluster.add('a')
    cluster.add('b')
    // a stands; b's answer never arrives because nothing is delivered.
    cluster.tick('a', 20)
    const a = cluster.get('a').raft
    expect(a.status().role).toBe('candidate')
    a.setPreference('observer')
    expect(a.status().role).toBe('follower')
  })
})
