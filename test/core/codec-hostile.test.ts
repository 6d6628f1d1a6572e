import { Encoder } from 'cbor-x'
import { describe, expect, it } from 'vitest'
import { scanWork } from '../../src/core/cbor-scan.js'
import { decode, EncodingError, encode } from '../../src/core/codec.js'

// cbor-x with its defaults emits every tag it knows: the shapes a hostile peer would send.
const wild = new Encoder({ useRecords: true, structuredClone: true, tagUint8Array: true })
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))

function refused(bytes: Uint8Array): EncodingError {
  try {
    decode(bytes)
  } catch (e) {
    expect(e).toBeInstanceOf(EncodingError)
    return e as EncodingError
  }
  throw new Error('decode accepted hostile bytes')
}

describe('codec: bytes from peers', () => {
  it('refuses a 48 KiB bignum (tag 2) in linear time, before building it', () => {
    const big = new Uint8Array(6 + 48 * 1024)
    big.set([0xc2, 0x5a, 0x00, 0x00, 0xc0, 0x00])
    big.fill(0xff, 6)
    const before = scanWork.items
    expect(refused(big).message).toMatch(/bignum of 49152 bytes/)
    expect(refused(big).oversized).toBe(true)
    // The scan stopped at the tag's content header: two items, not a quadratic build.
    expect(scanWork.items - before).toBeLessThanOrEqual(4)
  })

  it('refuses regexp, error, record, structured-clone reference and unknown tags', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    for (const [what, bytes] of [
      ['regexp', wild.encode(/(a+)+$/)],
      ['error', wild.encode(new Error('x'))],
      [
        'records',
        wild.encode([
          { a: 1, b: 2 },
          { a: 3, b: 4 },
        ]),
      ],
      ['shared references', wild.encode(cyclic)],
      ['date string (tag 0)', hex('c074323032302d30312d30315430303a30303a30305a')],
      ['tag 27 generic object', hex('d81b820000')],
      ['tag 28 shareable', hex('d81c80')],
      ['tag 29 shared ref', hex('d81d00')],
      ['tag 105 regexp', hex('d86982616161')],
      ['tag 259 around a non-map', hex('d9010380')],
      ['tag 258 around a map', hex('d90102a0')],
      ['tag 64 around a text', hex('d8406161')],
    ] as const) {
      expect(() => decode(bytes), what).toThrow(EncodingError)
    }
  })

  it('refuses claimed lengths beyond the bytes given, indefinite lengths, trailing bytes and deep nesting', () => {
    refused(hex('9affffffff00')) // array of 2^32-1 items in 6 bytes
    refused(hex('5affffffff00')) // byte string of 4 GiB
    refused(hex('bbffffffffffffffff')) // map of 2^64 pairs
    refused(hex('9f01ff')) // indefinite array
    refused(hex('0101')) // trailing byte
    refused(hex('f8ff')) // simple value 255
    const deep = new Uint8Array(200).fill(0x81)
    expect(refused(new Uint8Array([...deep, 0x01])).oversized).toBe(true)
  })

  it('still round-trips everything our own encoder emits', () => {
    const value = {
      bytes: new Uint8Array([1, 2]),
      u16: new Uint16Array([1, 65535]),
      f64: new Float64Array([1.5]),
      big: 2n ** 200n,
      neg: -(2n ** 100n),
      int64: 2n ** 63n,
      map: new Map<unknown, unknown>([[1, new Set([new Date(5)])]]),
      nested: [[[[{ x: undefined, y: null, z: true }]]]],
      float: 1.25,
    }
    expect(decode(encode(value))).toEqual(value)
  })

  it('refuses to encode what peers would refuse, with an EncodingError', () => {
    expect(() => encode(2n ** 300n)).toThrow(EncodingError)
    expect(() => encode(/x/)).toThrow(EncodingError)
    expect(() => encode(new Error('x'))).toThrow(EncodingError)
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = [deep]
    expect(() => encode(deep)).toThrow(EncodingError)
  })
})
