import { describe, expect, it } from 'vitest'
import { type Closer, Closers } from '../../src/groups/bounded-wait.js'

const closer = (name: string, log: string[]): Closer & { name: string } => ({
  name,
  prev: undefined,
  next: undefined,
  listed: false,
  reject: () => log.push(name),
})

describe('the closers list', () => {
  it('holds each wait once, drops it from anywhere, and hands back the rest oldest first', () => {
    const log: string[] = []
    const list = new Closers()
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((n) => closer(n, log)) as unknown as [
      Closer,
      Closer,
      Closer,
      Closer,
      Closer,
    ]
    for (const x of [a, b, c, d, e]) list.add(x)
    list.add(b)
    list.delete(c) // the middle
    list.delete(e) // the newest (the head)
    list.delete(a) // the oldest (the tail)
    list.delete(a) // twice: nothing
    list.add(a) // back, now the newest
    const all = list.takeAll() as (Closer & { name: string })[]
    expect(all.map((x) => x.name)).toEqual(['b', 'd', 'a'])
    expect(all.every((x) => !x.listed && x.prev === undefined && x.next === undefined)).toBe(true)
    expect(list.takeAll()).toEqual([])
    // A wait that settles after the list was emptied leaves it empty.
    list.delete(b)
    expect(list.takeAll()).toEqual([])
  })
})
