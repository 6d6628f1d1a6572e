import { describe, expect, it } from 'vitest'
import { bytesEqual, decode, EncodingError, encode, encodeCanonical } from '../../src/core/codec.js'

const roundTrip = <T>(v: T): T => decode<T>(encode(v))

describe('codec', () => {
  it('round-trips Uint8Array, bigint, Map, Set, Date and undefined exactly', () => {
    const value = {
      bytes: new Uint8Array([0, 1, 255]),
      small: 5n,
      big: 2n ** 100n,
      negative: -(2n ** 70n),
      map: new Map<unknown, unknown>([
        ['k', { z: 1 }],
        [2, 'two'],
      ]),
      stringKeyedMap: new Map([['only', 'strings']]),
      set: new Set(['a', 'b']),
      date: new Date(1_700_000_000_123),
      missing: undefined,
      nested: { deep: [1, undefined, null, 'x', { y: [1.5, -2.5] }] },
    }
    const out = roundTrip(value)
    expect(out).toEqual(value)
    expect(out.bytes).toBeInstanceOf(Uint8Array)
    expect(out.map).toBeInstanceOf(Map)
    expect(out.stringKeyedMap).toBeInstanceOf(Map)
    expect(out.set).toBeInstanceOf(Set)
    expect(out.date).toBeInstanceOf(Date)
    expect('missing' in out).toBe(true)
    expect(typeof out.small).toBe('bigint')
  })

  it('round-trips top-level primitives', () => {
    for (const v of ['', 'héllo', 0, -1, 1.25, true, false, null, undefined, 2n ** 64n, Number.MAX_SAFE_INTEGER]) {
      expect(roundTrip(v)).toEqual(v)
    }
  })

  it('encodes objects with the same keys in any order to the same canonical bytes', () => {
    const a = encodeCanonical({ a: 1, b: { c: 2, d: 3 } })
    const b = encodeCanonical({ b: { d: 3, c: 2 }, a: 1 })
    expect(bytesEqual(a, b)).toBe(true)
    expect(bytesEqual(encodeCanonical({ a: 1 }), encodeCanonical({ a: 2 }))).toBe(false)
  })

  it('refuses functions, symbols and cycles with an EncodingError', () => {
    expect(() => encode(() => 1)).toThrow(EncodingError)
    expect(() => encode({ s: Symbol('x') })).toThrow(EncodingError)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => encode(cyclic)).toThrow(/cyclic/)
  })

  it('throws an EncodingError on garbage instead of returning junk', () => {
    expect(() => decode(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(EncodingError)
    expect(() => decode(new Uint8Array([0x5f]))).toThrow(EncodingError)
  })
})
