import { describe, expect, it } from 'vitest'
import type { LogCommand } from '../../src/groups/log-command.js'
import type { Message } from '../../src/groups/raft/types.js'
import { sendSplitting } from '../../src/groups/split-append.js'

type Append = Extract<Message<LogCommand>, { type: 'appendEntries' }>

describe('appends too large for one frame', () => {
  it('go out as consecutive appends chained on each other', () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({
      term: 2,
      index: 11 + i,
      leader: 'l',
      command: { t: 'noop' } as LogCommand,
    }))
    const m: Append = {
      type: 'appendEntries',
      term: 2,
      from: 'l',
      to: 'f',
      prevIndex: 10,
      prevTerm: 1,
      entries,
      commit: 14,
    }
    const sent: Append[] = []
    sendSplitting(m, (part) => {
      if (part.type === 'appendEntries' && part.entries.length > 2) throw new Error('oversized')
      sent.push(part as Append)
    })
    expect(sent.flatMap((p) => p.entries.map((e) => e.index))).toEqual([11, 12, 13, 14, 15])
    for (let i = 1; i < sent.length; i++) {
      const prev = sent[i - 1] as Append
      const last = prev.entries[prev.entries.length - 1]
      expect(sent[i]).toMatchObject({ prevIndex: last?.index, prevTerm: last?.term, prevLeader: 'l' })
    }
    // No part claims a commit past its own entries.
    for (const p of sent) expect(p.commit).toBeLessThanOrEqual(p.entries[p.entries.length - 1]?.index ?? 0)
    expect(sent[0]).toMatchObject({ prevIndex: 10, prevTerm: 1 })
  })
})
