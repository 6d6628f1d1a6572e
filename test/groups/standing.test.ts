import { describe, expect, it } from 'vitest'
import { holdsBack, type StandingInput, standing } from '../../src/groups/standing.js'
import type { PeerStage } from '../../src/network/types.js'

const base: StandingInput = {
  preference: 'normal',
  role: 'follower',
  leader: undefined,
  bonded: new Map(),
  members: [],
  surroundings: { dialing: 0, peers: [] },
  identifyBoundMs: 1000,
}

const withPeer = (stage: PeerStage, waitedMs = 0): StandingInput => ({
  ...base,
  surroundings: { dialing: 0, peers: [{ peer: 'p', waitedMs, stage }] },
})

describe('standing: may a member stand alone now?', () => {
  it('stands when it sees no one and dials no one', () => {
    expect(standing(base)).toEqual({ decision: 'stand' })
  })

  it('stands next to bonded observers and peers that are not mosaik peers', () => {
    const input: StandingInput = {
      ...base,
      bonded: new Map([['r', 'observer']]),
      members: ['r'],
      surroundings: {
        dialing: 0,
        peers: [
          { peer: 'r', waitedMs: 5, stage: 'heard' },
          { peer: 'x', waitedMs: 5, stage: 'foreign' },
        ],
      },
    }
    expect(standing(input).decision).toBe('stand')
  })

  it('waits while a bootstrap dial is in flight', () => {
    expect(standing({ ...base, surroundings: { dialing: 1, peers: [] } }).decision).toBe('wait')
  })

  it('waits for a connected peer whose catalog has not come back since it joined (the old bug)', () => {
    // An empty catalog with a connection up used to count as alone.
    expect(standing(withPeer('exchanging'))).toMatchObject({ decision: 'wait', hear: true })
  })

  it('waits for an unidentified peer at most the identify bound, then ignores it', () => {
    expect(standing(withPeer('identifying', 300))).toEqual({
      decision: 'wait',
      reason: 'a peer is identifying',
      recheckInMs: 700,
    })
    expect(standing(withPeer('identifying', 1000)).decision).toBe('stand')
  })

  it('leaves it to the election timer when a peer that speaks the catalog protocol never answered', () => {
    expect(standing(withPeer('unheard')).decision).toBe('timer')
  })

  it('waits for the bond of a listed member', () => {
    expect(standing({ ...base, members: ['b'] }).decision).toBe('wait')
  })

  it('leaves it to the election timer next to a bonded member that may lead', () => {
    expect(standing({ ...base, bonded: new Map([['b', 'reluctant']]), members: ['b'] }).decision).toBe('timer')
  })

  it('never stands as an observer, a leader, a candidate or a follower with a leader', () => {
    expect(standing({ ...base, preference: 'observer' }).decision).toBe('timer')
    expect(standing({ ...base, role: 'leader' }).decision).toBe('timer')
    expect(standing({ ...base, role: 'candidate' }).decision).toBe('timer')
    expect(standing({ ...base, leader: 'b' }).decision).toBe('timer')
  })
})

describe('holdsBack: a fresh member keeps out of elections while a listed member is not bonded', () => {
  const hold = {
    preference: 'normal' as const,
    term: 0,
    joinedForMs: 100,
    holdMs: 7000,
    bonded: new Map(),
    members: ['b'],
  }

  it('holds back a fresh member that sees a member it has no bond with', () => {
    expect(holdsBack(hold)).toBe(true)
  })

  it('stops holding once bonded, once it heard of a term, past its bound, or as an observer', () => {
    expect(holdsBack({ ...hold, bonded: new Map([['b', 'normal']]) })).toBe(false)
    expect(holdsBack({ ...hold, term: 1 })).toBe(false)
    expect(holdsBack({ ...hold, joinedForMs: 7000 })).toBe(false)
    expect(holdsBack({ ...hold, preference: 'observer' })).toBe(false)
    expect(holdsBack({ ...hold, members: [] })).toBe(false)
  })
})
