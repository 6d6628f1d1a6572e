import { describe, expect, it } from 'vitest'
import type { RaftRestore } from '../../../src/groups/raft/types.js'
import { PersistLedger } from './driver/persist-ledger.js'

const restore = (term: number, votedFor: string | undefined, last: number): RaftRestore<unknown> => ({
  hardState: { term, votedFor, commit: 0 },
  entries: last > 0 ? [{ index: last, term, command: null }] : [],
})

function ledger(strict = true) {
  const failures: string[] = []
  const l = new PersistLedger(strict, (m) => failures.push(m))
  const life = { alive: true }
  l.started('a', life, undefined, 'a.0')
  return { l, failures, life }
}

const raft = (m: Record<string, unknown>) => ({ type: 'raft', m: { from: 'a', ...m } })

describe('PersistLedger: what a member sent, against what its store gives back', () => {
  it('holds when the restart loaded the term, vote and log it sent', () => {
    const { l, failures } = ledger()
    l.sent('a', raft({ type: 'vote', term: 3, to: 'b', vote: 'granted' }))
    l.sent('a', raft({ type: 'appendEntriesResponse', term: 3, to: 'b', success: true, lastIndex: 7 }))
    l.started('a', { alive: true }, restore(3, 'b', 7), 'a.1')
    expect(failures).toEqual([])
    expect(l.restarts).toBe(1)
  })

  it('refuses a restart behind a term it sent', () => {
    const { l, failures } = ledger()
    l.sent('a', raft({ type: 'requestVote', term: 4, to: 'b', lastIndex: 0, lastTerm: 0 }))
    l.started('a', { alive: true }, restore(3, 'a', 0), 'a.1')
    expect(failures[0]).toMatch(/restarted at term 3 after sending a message of term 4/)
  })

  it('refuses a restart that forgot its vote, and a second vote in one term', () => {
    const first = ledger()
    first.l.sent('a', raft({ type: 'vote', term: 2, to: 'b', vote: 'abstained' }))
    first.l.started('a', { alive: true }, restore(2, undefined, 0), 'a.1')
    expect(first.failures[0]).toMatch(/vote forgotten: a.1 voted for b in term 2/)
    const second = ledger()
    second.l.sent('a', raft({ type: 'vote', term: 2, to: 'b', vote: 'granted' }))
    second.l.sent('a', raft({ type: 'vote', term: 2, to: 'c', vote: 'granted' }))
    expect(second.failures[0]).toMatch(/voted for b in term 2, then for c/)
  })

  it('strict: refuses a restart whose log ends before what it sent in the same term', () => {
    const { l, failures } = ledger()
    l.sent('a', raft({ type: 'appendEntries', term: 5, to: 'b', prevIndex: 8, entries: [{}, {}], commit: 0 }))
    l.started('a', { alive: true }, restore(5, 'a', 9), 'a.1')
    expect(failures[0]).toMatch(/log ending at 9 after sending it to 10 in term 5/)
    // A later term may cut it (a new leader), and default mode does not check entries.
    const later = ledger()
    later.l.sent('a', raft({ type: 'appendEntriesResponse', term: 5, to: 'b', success: true, lastIndex: 10 }))
    later.l.started('a', { alive: true }, restore(6, undefined, 9), 'a.1')
    const loose = ledger(false)
    loose.l.sent('a', raft({ type: 'appendEntriesResponse', term: 5, to: 'b', success: true, lastIndex: 10 }))
    loose.l.started('a', { alive: true }, restore(5, undefined, 9), 'a.1')
    expect([...later.failures, ...loose.failures]).toEqual([])
  })

  it('ignores what a dead incarnation sends', () => {
    const { l, failures, life } = ledger()
    life.alive = false
    l.sent('a', raft({ type: 'vote', term: 9, to: 'b', vote: 'granted' }))
    l.started('a', { alive: true }, restore(1, undefined, 0), 'a.1')
    expect(failures).toEqual([])
    expect(l.messages).toBe(0)
  })
})
