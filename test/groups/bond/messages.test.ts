import { describe, expect, it } from 'vitest'
import { describeBondMessage, isRaftMessage, parseBondMessage } from '../../../src/groups/bond/messages.js'

describe('bond frames', () => {
  it('accepts a preference change and describes it on one line', () => {
    const m = parseBondMessage({ type: 'preference', preference: 'normal' }, 'peer-b', 'peer-a')
    expect(m).toEqual({ type: 'preference', preference: 'normal' })
    expect(describeBondMessage(m as NonNullable<typeof m>)).toBe('Preference[normal]')
  })

  it('refuses a preference frame with an unknown preference', () => {
    expect(parseBondMessage({ type: 'preference', preference: 'boss' }, 'peer-b', 'peer-a')).toBeUndefined()
    expect(parseBondMessage({ type: 'preference' }, 'peer-b', 'peer-a')).toBeUndefined()
  })

  it('carries an optional applied index on welcome, ping and pong, and refuses a bad one', () => {
    const welcome = { type: 'welcome', preference: 'observer', bonds: [], applied: 7 }
    expect(parseBondMessage(welcome, 'peer-b', 'peer-a')).toEqual(welcome)
    expect(parseBondMessage({ type: 'welcome', preference: 'normal', bonds: [] }, 'peer-b', 'peer-a')).toBeDefined()
    expect(parseBondMessage({ type: 'ping', seq: 1, applied: 3 }, 'peer-b', 'peer-a')).toEqual({
      type: 'ping',
      seq: 1,
      applied: 3,
    })
    expect(parseBondMessage({ type: 'pong', seq: 1 }, 'peer-b', 'peer-a')).toBeDefined()
    expect(parseBondMessage({ ...welcome, applied: -1 }, 'peer-b', 'peer-a')).toBeUndefined()
    expect(parseBondMessage({ type: 'pong', seq: 1, applied: 'x' }, 'peer-b', 'peer-a')).toBeUndefined()
  })

  it("accepts a learner's vote (learner: true) and refuses any other learner value", () => {
    const vote = { type: 'vote', term: 3, from: 'peer-b', to: 'peer-a', vote: 'granted' }
    expect(isRaftMessage(vote, 'peer-b', 'peer-a')).toBe(true)
    expect(isRaftMessage({ ...vote, learner: true }, 'peer-b', 'peer-a')).toBe(true)
    for (const learner of [false, 1, 'yes', null])
      expect(isRaftMessage({ ...vote, learner }, 'peer-b', 'peer-a')).toBe(false)
  })

  it('takes sender and receiver from the bond: absent on the wire, filled in; naming others refused', () => {
    const wire: Record<string, unknown> = { type: 'vote', term: 3, vote: 'granted' }
    expect(isRaftMessage(wire, 'peer-b', 'peer-a')).toBe(true)
    expect(wire).toMatchObject({ from: 'peer-b', to: 'peer-a' })
    expect(isRaftMessage({ type: 'vote', term: 3, vote: 'granted', from: 'peer-c' }, 'peer-b', 'peer-a')).toBe(false)
    expect(isRaftMessage({ type: 'vote', term: 3, vote: 'granted', to: 'peer-c' }, 'peer-b', 'peer-a')).toBe(false)
    const frame = parseBondMessage(
      { type: 'raft', m: { type: 'readIndex', term: 1, requestId: 7 } },
      'peer-b',
      'peer-a',
    )
    expect(frame).toEqual({
      type: 'raft',
      m: { type: 'readIndex', term: 1, requestId: 7, from: 'peer-b', to: 'peer-a' },
    })
  })

  it('accepts a quiet commit notice and refuses any other quiet value', () => {
    const notice = { type: 'appendEntries', term: 2, prevIndex: 4, prevTerm: 2, entries: [], commit: 4 }
    expect(isRaftMessage({ ...notice, quiet: true }, 'peer-b', 'peer-a')).toBe(true)
    for (const quiet of [false, 1, 'yes', null])
      expect(isRaftMessage({ ...notice, quiet }, 'peer-b', 'peer-a')).toBe(false)
  })
})
