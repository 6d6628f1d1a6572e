import { describe, expect, it } from 'vitest'
import { checkLinearizable, type Operation } from './linearizability.js'

const write = (client: number, value: string, call: number, ret: number | undefined): Operation => ({
  client,
  input: { kind: 'write', value },
  output: undefined,
  call,
  ret,
})
const read = (client: number, output: string, call: number, ret: number): Operation => ({
  client,
  input: { kind: 'read' },
  output,
  call,
  ret,
})
const cas = (
  client: number,
  expected: string,
  next: string,
  output: boolean | undefined,
  call: number,
  ret: number | undefined,
): Operation => ({
  client,
  input: { kind: 'cas', expected, next },
  output,
  call,
  ret,
})

describe('register linearizability checker', () => {
  it('accepts concurrent writes read in either order', () => {
    const history = [write(1, 'a', 0, 10), write(2, 'b', 1, 9), read(3, 'a', 11, 12), read(3, 'a', 13, 14)]
    expect(checkLinearizable(history).linearizable).toBe(true)
  })

  it('rejects a read of a value overwritten before the read began', () => {
    const history = [write(1, 'a', 0, 1), write(1, 'b', 2, 3), read(2, 'a', 4, 5)]
    expect(checkLinearizable(history).linearizable).toBe(false)
  })

  it('rejects a stale read of the initial value after a completed write', () => {
    expect(checkLinearizable([write(1, 'a', 0, 1), read(2, '0', 2, 3)]).linearizable).toBe(false)
  })

  it('lets an info write take effect late, or never', () => {
    const late = [write(1, 'a', 0, undefined), read(2, '0', 1, 2), read(2, 'a', 3, 4)]
    const never = [write(1, 'a', 0, undefined), read(2, '0', 1, 2), read(2, '0', 3, 4)]
    expect(checkLinearizable(late).linearizable).toBe(true)
    expect(checkLinearizable(never).linearizable).toBe(true)
  })

  it('rejects an info write observed and then un-observed', () => {
    const history = [write(1, 'a', 0, undefined), read(2, 'a', 1, 2), read(2, '0', 3, 4)]
    expect(checkLinearizable(history).linearizable).toBe(false)
  })

  it('checks compare-and-swap results against the value they saw', () => {
    const ok = [write(1, 'a', 0, 1), cas(2, 'a', 'b', true, 2, 3), read(1, 'b', 4, 5)]
    const bad = [write(1, 'a', 0, 1), cas(2, 'a', 'b', false, 2, 3), read(1, 'a', 4, 5)]
    const twice = [write(1, 'a', 0, 1), cas(2, 'a', 'b', true, 2, 5), cas(3, 'a', 'c', true, 2, 5)]
    expect(checkLinearizable(ok).linearizable).toBe(true)
    expect(checkLinearizable(bad).linearizable).toBe(false)
    expect(checkLinearizable(twice).linearizable).toBe(false)
  })

  it('accepts an unknown compare-and-swap either way', () => {
    const took = [write(1, 'a', 0, 1), cas(2, 'a', 'b', undefined, 2, undefined), read(1, 'b', 4, 5)]
    const didNot = [write(1, 'a', 0, 1), cas(2, 'a', 'b', undefined, 2, undefined), read(1, 'a', 4, 5)]
    expect(checkLinearizable(took).linearizable).toBe(true)
    expect(checkLinearizable(didNot).linearizable).toBe(true)
  })
})
