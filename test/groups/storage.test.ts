import { describe, expect, it } from 'vitest'
import type { Entry } from '../../src/groups/raft/types.js'
import { MemoryStorage } from '../../src/groups/storage.js'

const entry = (index: number, term: number, leader: string): Entry<unknown> => ({ index, term, leader, command: index })

/** A restore is usable when its entries follow its snapshot point (or index 0) with no gap. */
function gapless(s: MemoryStorage): boolean {
  const r = s.load()
  const base = r?.snapshot?.index ?? 0
  return (r?.entries ?? []).every((e, i) => e.index === base + i + 1)
}

describe('MemoryStorage: a restart never comes back with a log that has a gap', () => {
  it('compaction keeps the last dropped entry as the snapshot point, with its leader tag', () => {
    const s = new MemoryStorage()
    s.saveHardState({ term: 2, votedFor: undefined, commit: 5 })
    s.append([entry(1, 1, 'a#1'), entry(2, 1, 'a#1'), entry(3, 2, 'b#7'), entry(4, 2, 'b#7'), entry(5, 2, 'b#7')])
    s.compact(3)
    expect(s.load()?.snapshot).toEqual({ index: 3, term: 2, leader: 'b#7' })
    expect(s.load()?.entries.map((e) => e.index)).toEqual([4, 5])
    expect(gapless(s)).toBe(true)
    // Compacting everything keeps the point too; an older or equal point changes nothing.
    s.compact(5)
    s.compact(4)
    expect(s.load()?.snapshot).toEqual({ index: 5, term: 2, leader: 'b#7' })
    expect(s.load()?.entries).toEqual([])
  })

  it('an installed snapshot keeps its leader tag; later entries follow it', () => {
    const s = new MemoryStorage()
    s.saveHardState({ term: 3, votedFor: undefined, commit: 9 })
    s.append([entry(1, 1, 'a#1')])
    s.saveSnapshot(8, 3, 'c#2')
    s.append([entry(9, 3, 'c#2')])
    expect(s.load()?.snapshot).toEqual({ index: 8, term: 3, leader: 'c#2' })
    expect(gapless(s)).toBe(true)
    s.compact(9)
    expect(s.load()?.snapshot).toEqual({ index: 9, term: 3, leader: 'c#2' })
  })
})
