import { describe, expect, it } from 'vitest'
import { type Linked, LinkedSet } from '../../src/core/linked-set.js'

interface Item extends Linked<Item> {
  readonly name: string
}

const item = (name: string): Item => ({ name, prev: undefined, next: undefined, listed: false })

describe('LinkedSet', () => {
  it('holds each item once, drops it from anywhere, and hands back the rest oldest first', () => {
    const set = new LinkedSet<Item>()
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(item) as [Item, Item, Item, Item, Item]
    for (const x of [a, b, c, d, e]) set.add(x)
    set.add(b)
    set.delete(c) // the middle
    set.delete(e) // the newest (the head)
    set.delete(a) // the oldest (the tail)
    set.delete(a) // twice: nothing
    set.add(a) // back, now the newest
    const all = set.takeAll()
    expect(all.map((x) => x.name)).toEqual(['b', 'd', 'a'])
    expect(all.every((x) => !x.listed && x.prev === undefined && x.next === undefined)).toBe(true)
    expect(set.takeAll()).toEqual([])
    // An item removed after the set was emptied leaves it empty.
    set.delete(b)
    expect(set.takeAll()).toEqual([])
  })
})
