import { describe, expect, it } from 'vitest'
import { upPeers } from '../../../src/groups/bond/up-peers.js'

const bond = (peer: string, isUp = true) => ({ peer, isUp })

describe('upPeers: the peers whose bond is up, sorted', () => {
  it('builds the sorted list, then hands back the same array while the set holds', () => {
    const first = upPeers([bond('c'), bond('a'), bond('b', false)], [])
    expect(first).toEqual(['a', 'c'])
    expect(upPeers([bond('a'), bond('c'), bond('b', false)], first)).toBe(first)
  })

  it('builds a new array when a bond comes up, goes down or is replaced by another', () => {
    const known = ['a', 'c']
    const grown = upPeers([bond('a'), bond('b'), bond('c')], known)
    expect(grown).toEqual(['a', 'b', 'c'])
    expect(upPeers([bond('a'), bond('c', false)], known)).toEqual(['a'])
    expect(upPeers([bond('a'), bond('d')], known)).toEqual(['a', 'd'])
    // The array handed out before is never changed.
    expect(known).toEqual(['a', 'c'])
  })

  it('recognizes a large unchanged set in any bond order', () => {
    const peers = Array.from({ length: 300 }, (_, i) => `peer-${String(i).padStart(3, '0')}`)
    const known = upPeers(
      peers.map((p) => bond(p)),
      [],
    )
    expect(
      upPeers(
        [...peers].reverse().map((p) => bond(p)),
        known,
      ),
    ).toBe(known)
    const other = [...peers.slice(1), 'peer-zzz']
    expect(
      upPeers(
        other.map((p) => bond(p)),
        known,
      ),
    ).toEqual(other)
  })
})
