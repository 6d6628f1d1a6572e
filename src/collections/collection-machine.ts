/**
 * What every collection state machine shares (Map, Vec, Set, Once, PriorityQueue): a
 * signature, the leadership preference of its role, one `applied` event per batch, the
 * count of refused commands, and snapshot plumbing. Each collection's file adds its
 * command union and its `applyOne`.
 *
 * Commands are decoded from a peer's bytes, so `applyOne` receives `unknown` and checks
 * the shape itself; a command that does not fit is refused (and counted) identically on
 * every replica, and still occupies its log position.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { UniqueId } from '../core/id.js'
import { Emitter } from '../core/watch.js'
import type { ApplyContext, LeadershipPreference, Snapshot, StateMachine } from '../groups/types.js'

/** A command refused by `apply`: bytes that did not decode, a schema failure, or a malformed command. */
export interface CollectionRejection {
  readonly command: string
  readonly kind: 'encoding' | 'invalid' | 'malformed'
  readonly detail: string
}

/** Recent commands whose weight is remembered for `divergenceTail`. */
const TAIL_ENTRIES = 64
/** Elements (entries, keys, values) the log tail may carry behind the applied point. */
const TAIL_WEIGHT = 256

/** The collection kinds, as telemetry and devtools name them. */
export type CollectionKind = 'map' | 'vec' | 'set' | 'once' | 'pq'

export interface CollectionMachineOptions {
  readonly storeId: UniqueId
  /** Type names (like Rust's `type_name::<T>()`), part of the signature. */
  readonly typeNames: readonly string[]
  /** Writers are `normal` members, readers `observer`s. */
  readonly writer: boolean
}

/** Thrown inside `applyOne` to refuse a command; caught by the batch loop and counted. */
export class Refused extends Error {
  readonly kind: CollectionRejection['kind']
  constructor(kind: CollectionRejection['kind'], detail: string) {
    super(detail)
    this.kind = kind
  }
}

/**
 * The base of each collection machine. `applied` fires once per batch with the version
 * reached (`undefined` after a snapshot install, whose version the group reports).
 */
export abstract class CollectionMachine<C, I> implements StateMachine<C, never, never, I> {
  /** mosaik's collections use `SnapshotSync`: a late member gets the state, not the history. */
  readonly catchUp = 'snapshot'
  readonly applied = new Emitter<number | undefined>()
  readonly rejected = new Emitter<CollectionRejection>()
  readonly #signature: UniqueId
  readonly #writer: boolean
  #rejected = 0
  #generation = 0
  /** Elements each of the last `TAIL_ENTRIES` applied commands carried, oldest first. */
  readonly #weights: number[] = []

  constructor(prefix: string, options: CollectionMachineOptions) {
    let sig = UniqueId.from(prefix).derive(options.storeId)
    for (const name of options.typeNames) sig = sig.derive(name)
    this.#signature = sig
    this.#writer = options.writer
  }

  signature(): UniqueId {
    return this.#signature
  }

  leadershipPreference(): LeadershipPreference {
    return this.#writer ? 'normal' : 'observer'
  }

  /** Commands refused by `apply` since this replica started. */
  get rejectedCount(): number {
    return this.#rejected
  }

  /** Counts applied batches and installs: equal generations mean equal state. */
  get generation(): number {
    return this.#generation
  }

  /** Entries (elements, keys) held now. O(1). */
  abstract size(): number

  /** A collection has no queries: its whole state is local (mosaik's `query` is a no-op too). */
  query(query: never): never {
    throw new TypeError(`a collection has no queries (got ${String(query)})`)
  }

  apply(command: C, ctx?: ApplyContext): void {
    this.applyBatch([command], ctx)
  }

  /**
   * The log keeps the most recent entries that together carry at most `TAIL_WEIGHT`
   * elements (and at most 64 entries): a late member then gets the state by snapshot plus
   * a small tail, whatever the size of the commands that built it.
   */
  divergenceTail(): number {
    let weight = 0
    let n = 0
    for (let i = this.#weights.length - 1; i >= 0; i--) {
      weight += this.#weights[i] as number
      if (weight > TAIL_WEIGHT) break
      n++
    }
    return n
  }

  applyBatch(commands: Iterable<C>, ctx?: ApplyContext): void {
    let index = ctx?.firstIndex ?? 0
    for (const command of commands) {
      this.#weights.push(weightOf(command))
      if (this.#weights.length > TAIL_ENTRIES) this.#weights.shift()
      try {
        this.applyOne(command as unknown, index)
      } catch (err) {
        if (!(err instanceof Refused)) throw err
        this.reject(describeUnknown(command), err.kind, err.message)
      }
      index++
    }
    this.#generation++
    this.applied.emit(ctx?.lastIndex)
  }

  abstract createSnapshot(): Snapshot<I>

  installSnapshot(items: Iterable<I>): void {
    this.replaceWith(items)
    this.#generation++
    this.applied.emit(undefined)
  }

  /** Applies one decoded command at log index `index`; throws `Refused` to refuse it. */
  protected abstract applyOne(command: unknown, index: number): void

  /** Replaces the whole state with snapshot items; refuses bad items one by one (`reject`). */
  protected abstract replaceWith(items: Iterable<I>): void

  protected reject(command: string, kind: CollectionRejection['kind'], detail: string): void {
    this.#rejected++
    this.rejected.emit({ command, kind, detail })
  }
}

/** Elements a command carries: the length of its list field, else 1. */
function weightOf(command: unknown): number {
  if (typeof command !== 'object' || command === null) return 1
  for (const v of Object.values(command)) if (Array.isArray(v)) return Math.max(1, v.length)
  return 1
}

/** A snapshot over a fixed array (copied when taken, so later changes never show). */
export function arraySnapshot<I>(items: I[]): Snapshot<I> {
  return { length: items.length, range: (start, end) => items.slice(start, end) }
}

/** `cmd.type` when it is a short string, for refusal reports. */
export function describeUnknown(c: unknown): string {
  const type = typeof c === 'object' && c !== null ? (c as { type?: unknown }).type : undefined
  return typeof type === 'string' ? type.slice(0, 32) : 'Unknown'
}

/** The command as a record with a string `type`, or a `Refused('malformed')`. */
export function commandRecord(c: unknown): Record<string, unknown> & { type: string } {
  if (typeof c !== 'object' || c === null || typeof (c as { type?: unknown }).type !== 'string')
    throw new Refused('malformed', 'not a collection command')
  return c as Record<string, unknown> & { type: string }
}

/** A field that must be bytes. */
export function bytesField(cmd: Record<string, unknown>, name: string): Uint8Array {
  const v = cmd[name]
  if (!(v instanceof Uint8Array)) throw new Refused('malformed', `${name} is not a byte string`)
  return v
}

/** A field that must be bytes or null. */
export function optionalBytesField(cmd: Record<string, unknown>, name: string): Uint8Array | null {
  const v = cmd[name]
  if (v === null || v === undefined) return null
  if (!(v instanceof Uint8Array)) throw new Refused('malformed', `${name} is not a byte string`)
  return v
}

/** A field that must be an array of byte strings (bounded by the frame it came in). */
export function bytesListField(cmd: Record<string, unknown>, name: string): Uint8Array[] {
  const v = cmd[name]
  if (!Array.isArray(v) || !v.every((b) => b instanceof Uint8Array))
    throw new Refused('malformed', `${name} is not a list of byte strings`)
  return v as Uint8Array[]
}

/** A field that must be a non-negative safe integer (an index or a length). */
export function indexField(cmd: Record<string, unknown>, name: string): number {
  const v = cmd[name]
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new Refused('malformed', `${name} is not a non-negative integer`)
  return v
}

/** The shape every schema check of a machine takes. */
export type Schema<T> = StandardSchemaV1<T> | undefined

/** Lower-case hex of bytes: the identity of an encoded key. */
export function hexOf(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}
