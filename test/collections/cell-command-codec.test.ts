import { describe, expect, it } from 'vitest'
import { decodeCellCommand, encodeCellCommand } from '../../src/collections/cell-command-codec.js'
import { CellMachine } from '../../src/collections/cell-machine.js'
import { OnceMachine } from '../../src/collections/once-machine.js'
import { decode, EncodingError, encode } from '../../src/core/codec.js'
import { UniqueId } from '../../src/core/id.js'

/** Byte-string lengths at each edge of CBOR's length forms. */
const LENGTHS = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000]

const filled = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

/** The value kinds a write carries: what `encode` returns in Node (a Buffer), in a browser (a plain array), a view. */
function values(n: number): Uint8Array[] {
  const plain = filled(n, n)
  const view = new Uint8Array(n + 8)
  view.set(plain, 5)
  return [plain, Buffer.from(plain), view.subarray(5, 5 + n)]
}

/** What `decode` gives, or the error it throws: the outcome the fast path must match. */
function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() }
  } catch (error) {
    return { ok: false, error }
  }
}

/** Equal outcomes: the same command, its value of the same class and a view on the same buffer; or the same error. */
function expectSameOutcome(bytes: Uint8Array): void {
  const general = outcome(() => decode(bytes))
  const fast = outcome(() => decodeCellCommand(bytes))
  expect(fast.ok).toBe(general.ok)
  if (!general.ok || !fast.ok) {
    if (!general.ok && !fast.ok) {
      expect((fast.error as Error).constructor).toBe((general.error as Error).constructor)
      expect((fast.error as Error).message).toBe((general.error as Error).message)
    }
    return
  }
  expect(fast.value).toEqual(general.value)
  const g = general.value as { value?: unknown }
  const f = fast.value as { value?: unknown }
  expect(Object.keys(f as object)).toEqual(Object.keys(g as object))
  if (g.value instanceof Uint8Array) {
    const fv = f.value as Uint8Array
    expect(fv.constructor).toBe(g.value.constructor)
    expect(fv.buffer).toBe(g.value.buffer)
    expect(fv.byteOffset).toBe(g.value.byteOffset)
  }
}

/** A small seeded generator (xorshift32), so a failing case can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1
  return (n: number) => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) % n
  }
}

describe('cell command codec', () => {
  it("writes exactly the general codec's bytes for a write, in Node and browser forms, at every length form", () => {
    for (const n of LENGTHS)
      for (const value of values(n)) {
        const command = { type: 'write', value }
        expect(encodeCellCommand(command)).toEqual(Uint8Array.from(encode(command)))
      }
  })

  it('leaves every other command, and a write of another shape, to the general codec', () => {
    const value = Uint8Array.of(1, 2, 3)
    const others: unknown[] = [
      { type: 'clear' },
      { type: 'compareExchange', current: null, next: value },
      { type: 'compareExchange', current: value, next: null },
      { value, type: 'write' },
      { type: 'write', value, extra: 1 },
      { type: 'write', value: new Uint16Array(2) },
      { type: 'write', value: 'text' },
      Object.assign(Object.create({ inherited: true }), { type: 'write', value }),
      null,
      7,
    ]
    for (const command of others)
      expect(Uint8Array.from(encodeCellCommand(command))).toEqual(Uint8Array.from(encode(command)))
    expect(() => encodeCellCommand({ type: 'write', value: () => {} })).toThrow(EncodingError)
  })

  it('decodes a write to what the general codec gives: the same command, a view of the same class', () => {
    for (const n of LENGTHS)
      for (const value of values(n)) {
        const bytes = encode({ type: 'write', value })
        expectSameOutcome(bytes)
        expectSameOutcome(Uint8Array.from(bytes))
        // At an offset in a larger buffer, as a packed batch carries it.
        const inner = new Uint8Array(bytes.length + 9)
        inner.set(bytes, 4)
        expectSameOutcome(inner.subarray(4, 4 + bytes.length))
      }
    const decoded = decodeCellCommand(encode({ type: 'write', value: Uint8Array.of(9) })) as { value: Uint8Array }
    expect(decoded).toEqual({ type: 'write', value: Uint8Array.of(9) })
  })

  it('hands every other byte string to the general codec, refusals included', () => {
    const write = Uint8Array.from(encode({ type: 'write', value: Uint8Array.of(1, 2, 3) }))
    const cases: Uint8Array[] = [
      Uint8Array.from(encode({ type: 'clear' })),
      Uint8Array.from(encode({ type: 'compareExchange', current: null, next: Uint8Array.of(1) })),
      // The one-byte map head another encoder would write.
      Uint8Array.from([0xa2, ...write.subarray(3)]),
      // A length not in its shortest form: cbor-x reads it, so the general codec decides.
      Uint8Array.from([...write.subarray(0, 22), 0x58, 3, 1, 2, 3]),
      Uint8Array.from([...write.subarray(0, 22), 0x59, 0, 3, 1, 2, 3]),
      // Trailing bytes, a missing byte, the wrong major type, an indefinite length.
      Uint8Array.from([...write, 0]),
      write.subarray(0, write.length - 1),
      Uint8Array.from([...write.subarray(0, 22), 0x63, 1, 2, 3]),
      Uint8Array.from([...write.subarray(0, 22), 0x5f, 0x41, 1, 0xff]),
      write.subarray(0, 20),
      write.subarray(0, 21),
      new Uint8Array(0),
    ]
    for (const bytes of cases) expectSameOutcome(bytes)
  })

  it('serves the cell and the once machines, whose only or main command is the same write', () => {
    const machines = [
      new CellMachine<number>({ storeId: UniqueId.from('c'), typeName: 'n', writer: true }),
      new OnceMachine<number>({ storeId: UniqueId.from('o'), typeNames: ['n'], writer: true }),
    ]
    const command = { type: 'write' as const, value: Uint8Array.from(encode(5)) }
    for (const m of machines) {
      const bytes = m.encodeCommand(command)
      expect(bytes).toEqual(Uint8Array.from(encode(command)))
      expect(m.decodeCommand(bytes)).toEqual(decode(bytes))
      expect(() => m.decodeCommand(Uint8Array.of(0xff))).toThrow(EncodingError)
    }
  })

  it('agrees with the general codec on 20,000 seeded corruptions of writes', () => {
    const seed = 0x5eed
    const next = rng(seed)
    for (let i = 0; i < 20_000; i++) {
      const n = LENGTHS[next(LENGTHS.length)] as number
      const kinds = values(Math.min(n, 300))
      const base = Uint8Array.from(encode({ type: 'write', value: kinds[next(kinds.length)] }))
      const bytes = base.slice()
      const edits = 1 + next(3)
      let cut = bytes.length
      for (let e = 0; e < edits; e++) {
        const at = next(Math.min(bytes.length, 30))
        const kind = next(3)
        if (kind === 0) bytes[at] = next(256)
        else if (kind === 1) bytes[at] = (bytes[at] as number) ^ (1 << next(8))
        else cut = Math.min(cut, next(bytes.length + 1))
      }
      const input = bytes.subarray(0, cut)
      try {
        expectSameOutcome(input)
      } catch (err) {
        throw new Error(`seed ${seed}, case ${i}: ${Buffer.from(input.subarray(0, 40)).toString('hex')}`, {
          cause: err,
        })
      }
    }
  })
})
