/**
 * The pure replicated state of a `Once<T>` (mosaik `OnceStateMachine`): a register that
 * takes its first committed value and keeps it. Later writes still commit (and move the
 * version) but change nothing: the distributed `OnceCell`.
 */
import type { Snapshot } from '../groups/types.js'
import { decodeCellCommand, encodeCellCommand } from './cell-command-codec.js'
import {
  arraySnapshot,
  bytesField,
  CollectionMachine,
  type CollectionMachineOptions,
  commandRecord,
  Refused,
  type Schema,
} from './collection-machine.js'
import { decodeValue } from './value.js'

/** A committed once command. */
export type OnceCommand = { readonly type: 'write'; readonly value: Uint8Array }

export interface OnceMachineOptions<T> extends CollectionMachineOptions {
  readonly schema?: Schema<T>
}

export const ONCE_SIGNATURE_PREFIX = 'mosaik_collections_once'

export class OnceMachine<T> extends CollectionMachine<OnceCommand, Uint8Array> {
  readonly #schema: Schema<T>
  #value: { value: T; bytes: Uint8Array } | undefined

  constructor(options: OnceMachineOptions<T>) {
    super(ONCE_SIGNATURE_PREFIX, options)
    this.#schema = options.schema
  }

  size(): number {
    return this.#value ? 1 : 0
  }

  /** The codec's bytes for `command`; a write (a once's only command) as a cell's (cell-command-codec.ts). */
  encodeCommand(command: OnceCommand): Uint8Array {
    return encodeCellCommand(command)
  }

  /** What the codec decodes `bytes` to, a write without the general codec; `applyOne` checks the shape. */
  decodeCommand(bytes: Uint8Array): OnceCommand {
    return decodeCellCommand(bytes) as OnceCommand
  }

  value(): T | undefined {
    return this.#value?.value
  }

  createSnapshot(): Snapshot<Uint8Array> {
    return arraySnapshot(this.#value ? [this.#value.bytes] : [])
  }

  protected replaceWith(items: Iterable<Uint8Array>): void {
    this.#value = undefined
    for (const item of items) {
      // The first item wins, as the first write did.
      if (this.#value) break
      const checked = decodeValue(this.#schema, item)
      if (checked.ok) this.#value = { value: checked.value, bytes: item }
      else this.reject('Snapshot', checked.kind, checked.detail)
    }
  }

  protected applyOne(command: unknown): void {
    const cmd = commandRecord(command)
    if (cmd.type !== 'write') throw new Refused('malformed', `unknown once command ${cmd.type.slice(0, 32)}`)
    const bytes = bytesField(cmd, 'value')
    // Checked even when already set, so a bad write is counted the same on every replica.
    const checked = decodeValue(this.#schema, bytes)
    if (!checked.ok) throw new Refused(checked.kind, checked.detail)
    this.#value ??= { value: checked.value, bytes }
  }
}
