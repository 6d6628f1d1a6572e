import { describe, expect, it } from 'vitest'
import { decode, encode } from '../../../src/core/codec.js'
import { isRaftMessage } from '../../../src/groups/bond/messages.js'
import { fromWire, toWire } from '../../../src/groups/bond/wire-entries.js'
import type { LogCommand } from '../../../src/groups/log-command.js'
import { MAX_INDEX } from '../../../src/groups/raft/limits.js'
import type { Entry } from '../../../src/groups/raft/types.js'
import { MAX_ENTRIES_PER_APPEND } from '../../../src/groups/raft-config.js'

const TAG = '12D3KooWJMkgZrZLMG5tW3XxyXvKooBe8jjqmt9hkdbqMenWdPX3#ipii45'
const cmd = (n: number): LogCommand => ({ t: 'cmd', b: Uint8Array.of(n), o: `call:${n}` })

describe('AppendEntries entries on the wire', () => {
  it("packs one leader's batch into its commands and round-trips it exactly", () => {
    const entries: Entry<LogCommand>[] = [5, 6, 7].map((index) => ({
      term: 3,
      index,
      command: cmd(index),
      leader: TAG,
    }))
    const wire = toWire(entries, 'old#1')
    expect(wire).toEqual({ t: 3, l: TAG, e: [[cmd(5)], [cmd(6)], [cmd(7)]] })
    expect(fromWire(decode(encode(wire)), 4, 'old#1')).toEqual(entries)
    // The tag is said once: three entries cost little more than one.
    expect(encode(wire).length).toBeLessThan(encode(entries).length / 2)
    // After its own entry (prevLeader), a leader does not say its tag at all.
    const after = toWire(entries, TAG)
    expect(after).toEqual({ t: 3, e: [[cmd(5)], [cmd(6)], [cmd(7)]] })
    expect(fromWire(decode(encode(after)), 4, TAG)).toEqual(entries)
  })

  it('keeps every entry that differs from the first: other terms, other or no leader, no-ops', () => {
    const entries: Entry<LogCommand>[] = [
      { term: 2, index: 11, command: { t: 'noop' }, leader: 'old#1', noop: true },
      { term: 2, index: 12, command: cmd(12), leader: 'old#1' },
      { term: 3, index: 13, command: cmd(13), leader: TAG },
      { term: 3, index: 14, command: cmd(14) },
      { term: 4, index: 15, command: { t: 'snap', by: 'peer' } },
    ]
    for (const prevLeader of [undefined, 'old#1', TAG, 'other#9'])
      expect(fromWire(decode(encode(toWire(entries, prevLeader))), 10, prevLeader)).toEqual(entries)
    // A batch whose first entry has no tag, after a tagged entry: said as null.
    const untagged = entries.slice(3)
    expect(toWire(untagged, TAG).l).toBeNull()
    expect(fromWire(toWire(untagged, TAG), 13, TAG)).toEqual(untagged)
    expect(fromWire(toWire([], TAG), 10, TAG)).toEqual([])
  })

  it("refuses a malformed wire form before building anything (it is a peer's)", () => {
    const good = { t: 1, l: TAG, e: [[cmd(1)]] }
    for (const bad of [
      null,
      [],
      { ...good, t: -1 },
      { ...good, t: 1.5 },
      { ...good, l: 7 },
      { ...good, l: false },
      { ...good, e: 'x' },
      { ...good, e: [[]] },
      { ...good, e: [[{ t: 'evil' }]] },
      { ...good, e: [[cmd(1), 1]] },
      { ...good, e: [[cmd(1), 1, TAG]] },
      { ...good, e: [[cmd(1), -2, TAG, 0]] },
      { ...good, e: [[cmd(1), 1, 5, 0]] },
      { ...good, e: [[cmd(1), 1, TAG, 2]] },
      { ...good, e: [[cmd(1), 1, TAG, 0, 'extra']] },
      // Leader tags are held as the plain form holds them: non-empty, at most 255 characters.
      { ...good, l: '' },
      { ...good, l: 'x'.repeat(256) },
      { ...good, e: [[cmd(1), 1, '', 0]] },
      { ...good, e: [[cmd(1), 1, 'x'.repeat(256), 0]] },
    ])
      expect(
        fromWire(bad, 0, TAG),
        JSON.stringify(bad, (_, v) => (v instanceof Uint8Array ? [...v] : v)),
      ).toBeUndefined()
  })

  it('an AppendEntries frame carries packed or plain entries, never both', () => {
    const base = { type: 'appendEntries', term: 1, prevIndex: 0, prevTerm: 0, commit: 0 }
    const packed: Record<string, unknown> = { ...base, x: { t: 1, l: TAG, e: [[cmd(1)]] } }
    expect(isRaftMessage(packed, 'peer-b', 'peer-a')).toBe(true)
    expect(packed.entries).toEqual([{ term: 1, index: 1, command: cmd(1), leader: TAG }])
    expect(packed.x).toBeUndefined()
    const plain = { ...base, entries: [{ term: 1, index: 1, command: cmd(1), leader: TAG }] }
    expect(isRaftMessage(plain, 'peer-b', 'peer-a')).toBe(true)
    expect(isRaftMessage({ ...plain, x: { t: 1, e: [] } }, 'peer-b', 'peer-a')).toBe(false)
    expect(isRaftMessage({ ...base, x: { t: 1, e: [[cmd(1), 1, TAG]] } }, 'peer-b', 'peer-a')).toBe(false)
    expect(isRaftMessage({ ...base }, 'peer-b', 'peer-a')).toBe(false)
  })

  it('holds both forms to the same count and index bounds', () => {
    const base = { type: 'appendEntries', term: 1, prevTerm: 0, commit: 0 }
    const both = (prevIndex: number, n: number) => {
      const commands = Array.from({ length: n }, (_, i) => cmd(i % 256))
      const packed = { ...base, prevIndex, x: { t: 1, l: TAG, e: commands.map((c) => [c]) } }
      const plain = {
        ...base,
        prevIndex,
        entries: commands.map((command, i) => ({ term: 1, index: prevIndex + 1 + i, command, leader: TAG })),
      }
      return [isRaftMessage(packed, 'peer-b', 'peer-a'), isRaftMessage(plain, 'peer-b', 'peer-a')]
    }
    // As many entries as a leader sends at once, and no more.
    expect(both(0, MAX_ENTRIES_PER_APPEND)).toEqual([true, true])
    expect(both(0, MAX_ENTRIES_PER_APPEND + 1)).toEqual([false, false])
    // The last entry's index at `MAX_INDEX`, and not one past it.
    expect(both(MAX_INDEX - 2, 2)).toEqual([true, true])
    expect(both(MAX_INDEX - 1, 2)).toEqual([false, false])
    expect(both(MAX_INDEX, 1)).toEqual([false, false])
  })
})
