/**
 * The pure replicated state of a `Cell<T>`: a register holding `T | undefined`, changed
 * only by committed commands. No I/O, no timers: the group feeds it committed batches
 * and snapshots, the handle (`cell.ts`) reads it. mosaik: `CellStateMachine`.
 *
 * | command           | effect                                                             |
 * |-------------------|--------------------------------------------------------------------|
 * | `write`           | the value becomes `value`                                          |
 * | `compareExchange` | if the canonical bytes of the value equal `current`'s, becomes `next` |
 * | `clear`           | the cell becomes empty (also on an empty cell)                     |
 *
 * Values travel as CBOR bytes inside the command. Each replica decodes and checks them
 * in `apply` with the same code, so a value that fails to decode or fails the schema is
 * refused (and counted) identically everywhere, and replicas never diverge. A refused
 * command still occupies its log position: the version moves, the value does not.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { bytesEqual, encodeCanonical } from '../core/codec.js'
import { UniqueId } from '../core/id.js'
import { Emitter } from '../core/watch.js'
import type { ApplyContext, LeadershipPreference, Snapshot, StateMachine } from '../groups/types.js'
import { decodeCellCommand, encodeCellCommand } from './cell-command-codec.js'
import { decodeValue } from './value.js'

/** A committed cell command. Values are CBOR bytes (mosaik's `Encoded<T>`); `null` is "no value". */
export type CellCommand =
  | { readonly type: 'write'; readonly value: Uint8Array }
  | { readonly type: 'compareExchange'; readonly current: Uint8Array | null; readonly next: Uint8Array | null }
  | { readonly type: 'clear' }

/** A one-line form of a command for logs and devtools: `Write[12B]`, `Cas[3B->none]`, `Clear`. */
export function describeCellCommand(command: CellCommand): string {
  const size = (b: Uint8Array | null) => (b ? `${b.length}B` : 'none')
  switch (command.type) {
    case 'write':
      return `Write[${size(command.value)}]`
    case 'compareExchange':
      return `Cas[${size(command.current)}->${size(command.next)}]`
    case 'clear':
      return 'Clear'
  }
}

/** A command refused by `apply`: the value did not decode, failed the schema, or the command was malformed. */
export interface CellRejection {
  readonly command: string
  readonly kind: 'encoding' | 'invalid' | 'malformed'
  readonly detail: string
}

export interface CellMachineOptions<T> {
  readonly storeId: UniqueId
  /** Part of the signature, like Rust's `type_name::<T>()`. */
  readonly typeName: string
  readonly schema?: StandardSchemaV1<T> | undefined
  /** Writers are `normal` members, readers `observer`s (never lead, never counted in a quorum). */
  readonly writer: boolean
}

/** The group-key prefix of every cell; part of the signature, as in mosaik. */
export const CELL_SIGNATURE_PREFIX = 'mosaik_collections_cell'
/** Compare-exchange outcomes a replica remembers (`swapped`). */
const SWAPS_KEPT = 4096

/** The register: committed value plus its encodings. Replaced on every change; only the canonical cache fills in later. */
interface Register<T> {
  readonly value: T
  /** Bytes as written, for snapshots (so a snapshot decodes to exactly what the log gave). */
  readonly bytes: Uint8Array
  /** Canonical bytes, computed on the first compare-exchange that needs them. */
  canonical?: Uint8Array
}

/**
 * Applies cell commands deterministically. `applied` fires once per batch, after the
 * whole batch is applied, with the version the replica reached (`undefined` after a
 * snapshot install, whose version the group reports); `rejected` fires for each
 * refused command.
 */
export class CellMachine<T> implements StateMachine<CellCommand, never, never, Uint8Array> {
  /** mosaik's collections use `SnapshotSync`: a late member gets the value, not the history. */
  readonly catchUp = 'snapshot'
  readonly #options: CellMachineOptions<T>
  readonly #signature: UniqueId
  #register: Register<T> | undefined
  #rejected = 0
  readonly applied = new Emitter<number | undefined>()
  readonly rejected = new Emitter<CellRejection>()
  /** Whether each recent compare-exchange swapped, by log index (bounded, oldest dropped first). */
  readonly #swaps = new Map<number, boolean>()

  constructor(options: CellMachineOptions<T>) {
    this.#options = options
    this.#signature = cellSignature(options.storeId, options.typeName)
  }

  /** `UniqueId.from("mosaik_collections_cell").derive(storeId).derive(typeName)`. */
  signature(): UniqueId {
    return this.#signature
  }

  /** The committed value, `undefined` when empty. O(1). */
  value(): T | undefined {
    return this.#register?.value
  }

  /** Commands refused by `apply` since this replica started. */
  get rejectedCount(): number {
    return this.#rejected
  }

  leadershipPreference(): LeadershipPreference {
    return this.#options.writer ? 'normal' : 'observer'
  }

  /** The codec's bytes for `command`, a write without the general codec (cell-command-codec.ts). */
  encodeCommand(command: CellCommand): Uint8Array {
    return encodeCellCommand(command)
  }

  /** What the codec decodes `bytes` to, a write without the general codec; `apply` checks the shape. */
  decodeCommand(bytes: Uint8Array): CellCommand {
    return decodeCellCommand(bytes) as CellCommand
  }

  /** A cell has no queries: its whole state is the local value (mosaik's `query` is a no-op too). */
  query(query: never): never {
    throw new TypeError(`a cell has no queries (got ${String(query)})`)
  }

  apply(command: CellCommand, ctx?: ApplyContext): void {
    this.applyBatch([command], ctx)
  }

  /** Applies committed commands in log order, then tells listeners once. */
  applyBatch(commands: Iterable<CellCommand>, ctx?: ApplyContext): void {
    let index = ctx?.firstIndex
    for (const command of commands) {
      const swapped = this.#applyOne(command)
      if (index === undefined) continue
      if (swapped !== undefined) {
        this.#swaps.set(index, swapped)
        if (this.#swaps.size > SWAPS_KEPT) this.#swaps.delete(this.#swaps.keys().next().value as number)
      }
      index++
    }
    this.applied.emit(ctx?.lastIndex)
  }

  /**
   * Did the compare-exchange committed at log index `version` swap? `undefined` when this
   * replica did not apply it entry by entry (a snapshot covered it) or it is too old.
   */
  swapped(version: number): boolean | undefined {
    return this.#swaps.get(version)
  }

  /** The state as snapshot items: no item when empty, else one item, the value's bytes. */
  createSnapshot(): Snapshot<Uint8Array> {
    const items = this.#register ? [this.#register.bytes] : []
    return { length: items.length, range: (start, end) => items.slice(start, end) }
  }

  /**
   * Replaces the state with a fetched snapshot (the last item wins, as in mosaik). An
   * item that does not decode or fails the schema leaves the cell empty and is counted.
   */
  installSnapshot(items: Iterable<Uint8Array>): void {
    let last: unknown
    let any = false
    for (const item of items) {
      last = item
      any = true
    }
    this.#register = undefined
    if (any) {
      // A faulty or differently configured peer is the only way to get here with bad bytes.
      const checked = decodeValue(this.#options.schema, last)
      if (checked.ok) this.#register = { value: checked.value, bytes: last as Uint8Array }
      else this.#reject('Snapshot', checked.kind, checked.detail)
    }
    this.applied.emit(undefined)
  }

  /** Applies one command; for a compare-exchange, returns whether it swapped. */
  #applyOne(command: unknown): boolean | undefined {
    // Typed as a CellCommand by the group, but decoded from a peer's bytes: check the shape.
    if (!isCellCommand(command)) {
      this.#reject(describeUnknown(command), 'malformed', 'not a cell command')
      return
    }
    switch (command.type) {
      case 'write': {
        // The same bytes again: keep the value (and its identity, so React effects that
        // depend on it settle) without decoding or checking it a second time.
        if (this.#register && bytesEqual(this.#register.bytes, command.value)) return
        const checked = decodeValue(this.#options.schema, command.value)
        if (checked.ok) this.#register = { value: checked.value, bytes: command.value }
        else this.#reject(describeCellCommand(command), checked.kind, checked.detail)
        return
      }
      case 'compareExchange': {
        let next: Register<T> | undefined
        if (command.next !== null) {
          const checked = decodeValue(this.#options.schema, command.next)
          if (!checked.ok) {
            this.#reject(describeCellCommand(command), checked.kind, checked.detail)
            return false
          }
          next = { value: checked.value, bytes: command.next }
        }
        if (!this.#matches(command.current)) return false
        if (!(next && this.#register && bytesEqual(this.#register.bytes, next.bytes))) this.#register = next
        return true
      }
      case 'clear':
        this.#register = undefined
        return
    }
  }

  /** Compares canonical encodings, so `{a, b}` equals `{b, a}` and bytes from any peer compare alike. */
  #matches(current: Uint8Array | null): boolean {
    const register = this.#register
    if (current === null || register === undefined) return current === null && register === undefined
    // `current` is only compared, never stored, so it does not go through the schema.
    const expected = decodeValue(undefined, current)
    if (!expected.ok) return false
    try {
      register.canonical ??= encodeCanonical(register.value)
      return bytesEqual(register.canonical, encodeCanonical(expected.value))
    } catch {
      // Only odd values a peer crafted can get here; every replica answers the same.
      return false
    }
  }

  #reject(command: string, kind: CellRejection['kind'], detail: string): void {
    this.#rejected++
    this.rejected.emit({ command, kind, detail })
  }
}

/** The state-machine signature of a cell; changes with the store id and the type name. */
export function cellSignature(storeId: UniqueId, typeName: string): UniqueId {
  return UniqueId.from(CELL_SIGNATURE_PREFIX).derive(storeId).derive(typeName)
}

function isCellCommand(c: unknown): c is CellCommand {
  if (typeof c !== 'object' || c === null) return false
  const cmd = c as Record<string, unknown>
  switch (cmd.type) {
    case 'write':
      return cmd.value instanceof Uint8Array
    case 'compareExchange':
      return bytesOrNull(cmd.current) && bytesOrNull(cmd.next)
    case 'clear':
      return true
    default:
      return false
  }
}

function bytesOrNull(v: unknown): boolean {
  return v === null || v instanceof Uint8Array
}

function describeUnknown(c: unknown): string {
  const type = typeof c === 'object' && c !== null ? (c as { type?: unknown }).type : undefined
  return typeof type === 'string' ? `Unknown[${type.slice(0, 32)}]` : 'Unknown'
}
