import { UniqueId } from '../../../../src/core/id.js'
import type { ApplyContext, Snapshot, StateMachine } from '../../../../src/groups/types.js'
import { INITIAL, Register } from '../register.js'

/** A register's state as a snapshot carries it: the value, CAS outcomes, and the chain of what was applied. */
export interface RegisterItem {
  readonly value: string
  readonly digest: string
  /** Index of the last command applied (no-ops are not commands). */
  readonly index: number
  readonly cas: [number, boolean][]
}

export type RegisterQuery = { readonly kind: 'value' } | { readonly kind: 'cas'; readonly op: number }

/** What the checker learns from each replica's state machine. */
export interface ApplyObserver {
  applied(
    node: string,
    index: number,
    term: number,
    command: string,
    parent: string,
    digest: string,
    value: string,
  ): void
  installed(node: string, item: RegisterItem): void
}

export const GENESIS = '0'

/** A 64-bit FNV-1a digest of `parent|command`, as hex: the state's identity along its history. */
export function chain(parent: string, command: string): string {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  const s = `${parent}|${command}`
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/**
 * The register of `../register.ts` as a real `StateMachine` for the real driver, with snapshot
 * sync (`catchUp: 'snapshot'`: the log is compacted, so late members install snapshots). Its
 * state carries a digest chained over every command applied, so the checker can tell whether
 * two replicas at one index hold the same history and whether an installed state is one some
 * replica really applied.
 */
export class SimRegister implements StateMachine<string, RegisterQuery, string | boolean | undefined, RegisterItem> {
  readonly catchUp = 'snapshot' as const
  readonly #node: string
  readonly #observer: ApplyObserver
  #register = new Register()
  #digest = GENESIS
  #index = 0

  readonly #tail: number

  constructor(node: string, observer: ApplyObserver, divergenceTail: number) {
    this.#node = node
    this.#tail = divergenceTail
    this.#observer = observer
  }

  /** Entries kept behind the applied point: a member missing more installs a snapshot. */
  divergenceTail(): number {
    return this.#tail
  }

  signature(): UniqueId {
    return UniqueId.from('mosaik-react/sim/register')
  }

  apply(command: string, ctx: ApplyContext): void {
    this.#register.apply(command)
    const parent = this.#digest
    this.#digest = chain(parent, command)
    this.#index = ctx.firstIndex
    this.#observer.applied(this.#node, ctx.firstIndex, ctx.term, command, parent, this.#digest, this.#register.value)
  }

  query(q: RegisterQuery): string | boolean | undefined {
    return q.kind === 'value' ? this.#register.value : this.#register.casResults.get(q.op)
  }

  get value(): string {
    return this.#register.value
  }

  get digest(): string {
    return this.#digest
  }

  createSnapshot(): Snapshot<RegisterItem> {
    const item: RegisterItem = {
      value: this.#register.value,
      digest: this.#digest,
      index: this.#index,
      cas: [...this.#register.casResults],
    }
    return { length: 1, range: (start, end) => (start === 0 && end > 0 ? [item] : []) }
  }

  installSnapshot(items: readonly RegisterItem[]): void {
    const item = items[0]
    if (items.length !== 1 || !item || typeof item.value !== 'string' || typeof item.digest !== 'string')
      throw new Error(`not a register snapshot (${items.length} items)`)
    const register = new Register()
    register.value = item.value
    for (const [op, ok] of item.cas) register.casResults.set(op, ok)
    this.#register = register
    this.#digest = item.digest
    this.#index = item.index
    this.#observer.installed(this.#node, item)
  }
}

export { INITIAL }
