import { describe, expect, it } from 'vitest'
import { LINEAGE_RUNS, Lineage, rolledBack } from '../../../src/groups/sync/lineage.js'
import { isSyncMessage } from '../../../src/groups/sync/messages.js'

/** A lineage of entries 1..n, `writer(i)` giving each entry's [tag, term]. */
function history(n: number, writer: (i: number) => [string, number], from = 0): Lineage {
  const l = new Lineage(from)
  for (let i = from + 1; i <= n; i++) l.note(i, writer(i)[1], writer(i)[0])
  return l
}

const a = (i: number): [string, number] => (i <= 5 ? ['a#1', 1] : ['b#1', 2])

describe('Lineage: what an install rolls back', () => {
  it('keeps one run per leader incarnation and term', () => {
    expect(history(8, a).view()).toEqual({
      from: 0,
      runs: [
        ['a#1', 1, 5],
        ['b#1', 2, 8],
      ],
    })
  })

  it('a laggard whose applied entries are in the snapshot history loses nothing', () => {
    const ours = history(6, a)
    const theirs = history(20, a).upTo(20)
    expect(rolledBack(ours.view(), theirs)).toBeUndefined()
  })

  it('a lone leader of the same term: its entries after the common prefix are rolled back', () => {
    // Ours: 1..3 from a#1, then a rival of term 1 wrote 4..6; theirs kept a#1 to 5.
    const ours = history(6, (i) => (i <= 3 ? ['a#1', 1] : ['r#9', 1]))
    expect(rolledBack(ours.view(), history(20, a).upTo(20))).toBe(3)
  })

  it('a fresh member that led alone from index 1 reports a rollback to 0', () => {
    const ours = history(2, () => ['d#2', 1])
    expect(rolledBack(ours.view(), history(34, a).upTo(34))).toBe(0)
  })

  it('what neither view can tell counts as rolled back; nothing applied here loses nothing', () => {
    const ours = history(6, a)
    expect(rolledBack(ours.view(), undefined)).toBe(0)
    // Theirs forgot everything up to 10: ours at 6 cannot be compared.
    expect(rolledBack(ours.view(), { from: 10, runs: [['b#1', 2, 12]] })).toBe(0)
    expect(rolledBack(new Lineage(7).view(), history(20, a).upTo(20))).toBeUndefined()
  })

  it('trims on a revert, restarts on a gap, and stays bounded', () => {
    const l = history(8, a)
    l.trim(4)
    expect(l.view()).toEqual({ from: 0, runs: [['a#1', 1, 4]] })
    l.note(9, 3, 'c#1')
    expect(l.view()).toEqual({ from: 9, runs: [] })
    const many = history(LINEAGE_RUNS * 3, (i) => [`l#${i}`, i])
    expect(many.view().runs.length).toBe(LINEAGE_RUNS)
    expect(many.view().from).toBe(LINEAGE_RUNS * 2)
    expect(many.upTo(LINEAGE_RUNS)).toBeUndefined()
    expect(many.upTo(LINEAGE_RUNS * 2 + 1)?.runs).toEqual([
      [`l#${LINEAGE_RUNS * 2 + 1}`, LINEAGE_RUNS * 2 + 1, LINEAGE_RUNS * 2 + 1],
    ])
  })
})

describe("a peer offer's leader tag and lineage are bounded and checked before believed", () => {
  const offer = (extra: object) => ({ type: 'offer', index: 8, term: 2, items: 1, ...extra })
  it('accepts a lineage that ends at the offered index', () => {
    expect(isSyncMessage(offer({ leader: 'b#1', lineage: history(8, a).upTo(8) }))).toBe(true)
  })
  it('refuses one too long, out of order, not ending at the index, or with a bad tag', () => {
    const long = { from: 0, runs: Array.from({ length: LINEAGE_RUNS + 1 }, (_, i) => [`x#${i}`, 1, i + 1]) }
    expect(isSyncMessage({ ...offer({ lineage: long }), index: LINEAGE_RUNS + 1 })).toBe(false)
    expect(
      isSyncMessage(
        offer({
          lineage: {
            from: 0,
            runs: [
              ['a', 1, 5],
              ['b', 1, 5],
            ],
          },
        }),
      ),
    ).toBe(false)
    expect(isSyncMessage(offer({ lineage: { from: 0, runs: [['a', 1, 7]] } }))).toBe(false)
    expect(isSyncMessage(offer({ lineage: { from: 9, runs: [] } }))).toBe(false)
    expect(isSyncMessage(offer({ leader: 'x'.repeat(257) }))).toBe(false)
    expect(isSyncMessage(offer({ leader: 7 }))).toBe(false)
  })
})
