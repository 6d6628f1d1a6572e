import { describe, expect, it } from 'vitest'
import { UniqueId } from '../../src/core/id.js'

// Vectors: the empty-input and "abc" digests are the official BLAKE3 test vectors; the rest
// follow mosaik's definitions (`From<&str>`, `derive`, `hashed` in src/primitives/id.rs).
const MOSAIK = 'b1950ece12beb7cb9b00e98132e4b3dc6c1b14e62218b33f2696ecde15bbe8fb'

describe('UniqueId', () => {
  it('hashes with BLAKE3 exactly as the reference vectors say', () => {
    expect(UniqueId.from(new Uint8Array(0)).toString()).toBe(
      'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    )
    expect(UniqueId.from('abc').toString()).toBe('6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85')
  })

  it('derives the id of a name as blake3 of its UTF-8 bytes', () => {
    expect(UniqueId.from('mosaik').toString()).toBe(MOSAIK)
    expect(UniqueId.from('mosaik').short()).toBe(MOSAIK.slice(0, 10))
  })

  it('decodes a 64-hex string to its bytes and prints it back unchanged', () => {
    const id = UniqueId.from(MOSAIK)
    expect(id.toString()).toBe(MOSAIK)
    expect(id.equals(UniqueId.from('mosaik'))).toBe(true)
    expect(UniqueId.from(MOSAIK.toUpperCase()).toString()).toBe(MOSAIK)
  })

  it('hashes a 63- or 65-char hex string instead of decoding it', () => {
    expect(UniqueId.from(MOSAIK.slice(1)).toString()).not.toBe(MOSAIK.slice(1))
    expect(UniqueId.from(`${MOSAIK}0`).toString()).not.toBe(MOSAIK)
  })

  it('derives with a string as blake3(id || utf8) and with an id as blake3(id || id)', () => {
    const m = UniqueId.from('mosaik')
    expect(m.derive('x').toString()).toBe('62ada093e20b279d936ba239f61ea64740d8241eec5db23277e193381c5fbcaf')
    expect(m.derive(m).toString()).toBe('689bdf4df6738db07cfa1a4c037630fe69f08dc20aeddc7fef0f35d407ef2997')
    const concat = new Uint8Array(64)
    concat.set(m.bytes)
    concat.set(m.bytes, 32)
    expect(m.derive(m).equals(UniqueId.from(new Uint8Array([...m.bytes, ...m.bytes]).subarray(0, 64)))).toBe(true)
  })

  it('hashes itself as blake3(id)', () => {
    const m = UniqueId.from('mosaik')
    expect(m.hashed().toString()).toBe('72f277618e2fdf72272115138e429f96ba64c12d2b5d5b1680c2a8f0c4686c87')
    expect(m.hashed().equals(UniqueId.from(m.bytes.slice()).hashed())).toBe(true)
  })

  it('keeps 32 raw bytes as they are and copies them', () => {
    const raw = new Uint8Array(32).fill(7)
    const id = UniqueId.from(raw)
    raw[0] = 0
    expect(id.bytes[0]).toBe(7)
    expect(UniqueId.from(id)).toBe(id)
  })

  it('gives the cell signature of mosaik for a store id and type name', () => {
    const sig = UniqueId.from('mosaik_collections_cell').derive(UniqueId.from('counter')).derive('u64')
    expect(sig.toString()).toBe('7dff2c3401021f3898c98288e277e04eb43e0bbf14004816635495e34c65ec31')
  })

  it('makes random ids that differ', () => {
    expect(UniqueId.random().equals(UniqueId.random())).toBe(false)
  })
})
