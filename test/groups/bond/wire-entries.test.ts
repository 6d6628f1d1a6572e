import { describe, expect, it } from 'vitest'
import { decode, encode } from '../../../src/core/codec.js'
import { isRaftMessage } from '../../../src/groups/bond/messages.js'
import { pack } from '../../../src/groups/bond/packed-commands.js'
import { fromWire, toWire } from '../../../src/groups/bond/wire-entries.js'
import type { LogCommand } from '../../../src/groups/log-command.js'
import { MAX_INDEX } from '../../../src/groups/raft/limits.js'
import type { Entry } from '../../../src/groups/raft/types.js'
import { MAX_CALL_COMMANDS, MAX_ENTRIES_PER_APPEND } from '../../../src/groups/raft-config.js'

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
    // Application commands of one term and tag: their bytes and call tags in one byte string.
    expect(wire).toEqual({ t: 3, l: TAG, p: pack([cmd(5), cmd(6), cmd(7)]) })
    expect(fromWire(decode(encode(wire)), 4, 'old#1')).toEqual(entries)
    // The tag is said once: three entries cost little more than one.
    expect(encode(wire).length).toBeLessThan(encode(entries).length / 2)
    // After its own entry (prevLeader), a leader does not say its tag at all.
    const after = toWire(entries, TAG)
    expect(after).toEqual({ t: 3, p: pack([cmd(5), cmd(6), cmd(7)]) })
    expect(fromWire(decode(encode(after)), 4, TAG)).toEqual(entries)
    // The same commands as CBOR maps (the form for batches that cannot be packed) are larger.
    expect(encode(after).length).toBeLessThan(encode({ t: 3, e: [[cmd(5)], [cmd(6)], [cmd(7)]] }).length)
  })

  it('builds the batch sent to each follower once, and anew once the log changed under it', () => {
    const at = (index: number, n = index): Entry<LogCommand> => ({ term: 3, index, command: cmd(n), leader: TAG })
    const entries = [at(5), at(6), at(7)]
    const wire = toWire(entries, TAG)
    // Another slice of the same entries (each follower gets its own array): the same wire form.
    expect(toWire([...entries], TAG)).toBe(wire)
    // Another prevLeader, length or last entry (a truncated and rewritten log) is built again.
    expect(toWire([...entries], 'old#1')).not.toBe(wire)
    expect(toWire(entries.slice(0, 2), TAG)).not.toEqual(wire)
    const rewritten = [entries[0] as Entry<LogCommand>, entries[1] as Entry<LogCommand>, at(7, 99)]
    expect(fromWire(toWire(rewritten, TAG), 4, TAG)).toEqual(rewritten)
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
    // One entry that cannot be packed (a tag too long for one length byte) keeps the whole batch plain.
    const long: Entry<LogCommand>[] = [
      { term: 3, index: 21, command: cmd(21), leader: TAG },
      { term: 3, index: 22, command: { t: 'cmd', b: Uint8Array.of(1), o: 'x'.repeat(200) }, leader: TAG },
    ]
    const wire = toWire(long, TAG)
    expect('e' in wire).toBe(true)
    expect(fromWire(decode(encode(wire)), 20, TAG)).toEqual(long)
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
      // Packed: exactly one form, a byte string that is a whole packing.
      { t: 1, l: TAG, e: [[cmd(1)]], p: pack([cmd(1)]) },
      { t: 1, l: TAG, p: [...pack([cmd(1)])] },
      { t: 1, l: TAG, p: pack([cmd(1)]).subarray(0, 3) },
      { t: 1, l: TAG, p: Uint8Array.of(...pack([cmd(1)]), 0) },
      { t: -1, p: pack([cmd(1)]) },
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

  it('a forward carries packed or plain commands, never both, and a bad packing is refused', () => {
    const base = { type: 'forwardCommand', term: 1, requestId: 7 }
    const packed: Record<string, unknown> = { ...base, p: pack([cmd(1), cmd(2)]) }
    expect(isRaftMessage(packed, 'peer-b', 'peer-a')).toBe(true)
    expect(packed.commands).toEqual([cmd(1), cmd(2)])
    expect(packed.p).toBeUndefined()
    expect(isRaftMessage({ ...base, commands: [cmd(1)] }, 'peer-b', 'peer-a')).toBe(true)
    expect(isRaftMessage({ ...base, commands: [cmd(1)], p: pack([cmd(1)]) }, 'peer-b', 'peer-a')).toBe(false)
    expect(isRaftMessage({ ...base, p: pack([cmd(1)]).subarray(1) }, 'peer-b', 'peer-a')).toBe(false)
    expect(isRaftMessage({ ...base, p: 'bytes' }, 'peer-b', 'peer-a')).toBe(false)
  })

  it('a forward holds at most as many commands as one call may carry, in either form', () => {
    const base = { type: 'forwardCommand', term: 1, requestId: 7 }
    const forms = (n: number) => {
      const commands = Array.from({ length: n }, () => ({ t: 'cmd' as const, b: new Uint8Array(0) }))
      return [
        { ...base, p: pack(commands) },
        { ...base, commands },
      ].map((m) => isRaftMessage(m, 'peer-b', 'peer-a'))
    }
    expect(forms(MAX_CALL_COMMANDS)).toEqual([true, true])
    expect(forms(MAX_CALL_COMMANDS + 1)).toEqual([false, false])
  })

  it('holds every form to the same count and index bounds', () => {
    const base = { type: 'appendEntries', term: 1, prevTerm: 0, commit: 0 }
    const both = (prevIndex: number, n: number) => {
      const commands = Array.from({ length: n }, (_, i) => cmd(i % 256))
      const wire = { ...base, prevIndex, x: { t: 1, l: TAG, e: commands.map((c) => [c]) } }
      const bytes = { ...base, prevIndex, x: { t: 1, l: TAG, p: pack(commands) } }
      const plain = {
        ...base,
        prevIndex,
        entries: commands.map((command, i) => ({ term: 1, index: prevIndex + 1 + i, command, leader: TAG })),
      }
      return [wire, bytes, plain].map((m) => isRaftMessage(m, 'peer-b', 'peer-a'))
    }
    // As many entries as a leader sends at once, and no more.
    expect(both(0, MAX_ENTRIES_PER_APPEND)).toEqual([true, true, true])
    expect(both(0, MAX_ENTRIES_PER_APPEND + 1)).toEqual([false, false, false])
    // The last entry's index at `MAX_INDEX`, and not one past it.
    expect(both(MAX_INDEX - 2, 2)).toEqual([true, true, true])
    expect(both(MAX_INDEX - 1, 2)).toEqual([false, false, false])
    expect(both(MAX_INDEX, 1)).toEqual([false, false, false])
  })
})
