/**
 * Replicated collections: data structures whose every replica applies the same
 * committed commands, on top of a consensus group each (mosaik `collections`).
 *
 * | collection | state        | writes                                   |
 * |------------|--------------|------------------------------------------|
 * | `Cell<T>`  | `T \| undefined` | `write`/`set`, `compareExchange`, `clear` |
 *
 * Each collection has two roles. A writer is a `normal` group member: it may lead, and
 * its writes resolve with the `Version` at which they commit. A reader is an `observer`:
 * it never leads and is never counted in a quorum. Both read locally in O(1) and wait
 * with `when` (`online`, `reaches(version)`, …). A late member catches up from a
 * snapshot, not by replaying history.
 *
 * ```ts
 * import { Network, Cell } from 'mosaik-react/core'
 * const a = await Network.create({ network: 'demo', transport: 'memory' })
 * const b = await Network.create({ network: 'demo', transport: 'memory', bootstrap: a.addresses() })
 * const writer = Cell.writer<number>(a, 'counter')
 * const reader = Cell.reader<number>(b, 'counter')
 * const version = await writer.write(42)
 * await reader.when.reaches(version)
 * reader.read() // 42
 * ```
 */
export { Cell, type CellDef, defineCell } from './cell.js'
export type { CellCommand } from './cell-machine.js'
export type { CellOptions, CellReader, CellSnapshot, CellWriter, When } from './types.js'
