import { describe, expect, it } from 'vitest'
import { grantedPreference, refusedFromObserver } from '../../../src/groups/bond/admission.js'
import type { BondMessage } from '../../../src/groups/bond/messages.js'

const raft = (type: string, extra: Record<string, unknown> = {}) =>
  ({ type: 'raft', m: { type, term: 1, from: 'a', to: 'b', ...extra } }) as unknown as BondMessage
const sync = (type: string) => ({ type: 'sync', m: { type } }) as unknown as BondMessage

describe('what a granted role may send', () => {
  it('grants the declared preference only to voters', () => {
    expect(grantedPreference('normal', true)).toBe('normal')
    expect(grantedPreference('reluctant', true)).toBe('reluctant')
    expect(grantedPreference('normal', false)).toBe('observer')
    expect(grantedPreference('observer', true)).toBe('observer')
  })

  it('refuses from an observer what only voters and leaders send', () => {
    for (const t of [
      'requestVote',
      'vote',
      'appendEntries',
      'needsSnapshot',
      'forwardCommand',
      'forwardCommandAck',
      'readIndexAck',
    ])
      expect(refusedFromObserver(raft(t)), t).toMatch(t)
    expect(refusedFromObserver(sync('offer'))).toMatch(/offer/)
    expect(refusedFromObserver(sync('data'))).toMatch(/data/)
  })

  it('takes snapshot offers and data from an observer only when this member pulls from it', () => {
    expect(refusedFromObserver(sync('offer'), true)).toBeUndefined()
    expect(refusedFromObserver(sync('data'), true)).toBeUndefined()
    expect(refusedFromObserver(raft('forwardCommand'), true)).toMatch(/forwardCommand/)
  })

  it('lets an observer follow, read and fetch', () => {
    for (const t of ['appendEntriesResponse', 'readIndex']) expect(refusedFromObserver(raft(t)), t).toBeUndefined()
    for (const t of ['request', 'pull', 'fetch']) expect(refusedFromObserver(sync(t)), t).toBeUndefined()
    for (const m of [{ type: 'ping', seq: 1 }, { type: 'departure' }, { type: 'preference', preference: 'normal' }])
      expect(refusedFromObserver(m as BondMessage)).toBeUndefined()
  })
})
