/**
 * The simulated state machine: one register holding a string, with write and compare-and-swap.
 * Commands are strings so the core's generic `C` stays simple in the simulator:
 * `w|op|value`, `c|op|expected|next`, and '' for the leader's no-op.
 */
export type RegisterOp =
  | { kind: 'write'; value: string }
  | { kind: 'read' }
  | { kind: 'cas'; expected: string; next: string }

export const INITIAL = '0'

export function encodeCommand(op: number, action: RegisterOp): string {
  if (action.kind === 'write') return `w|${op}|${action.value}`
  if (action.kind === 'cas') return `c|${op}|${action.expected}|${action.next}`
  throw new Error('reads are not commands')
}

export class Register {
  value = INITIAL
  /** CAS outcomes by op id, so a client can learn its result from any replica. */
  readonly casResults = new Map<number, boolean>()

  apply(command: string): void {
    if (command === '') return
    const [kind, op, a, b] = command.split('|')
    if (kind === 'w' && a !== undefined) this.value = a
    else if (kind === 'c' && a !== undefined && b !== undefined) {
      const ok = this.value === a
      if (ok) this.value = b
      this.casResults.set(Number(op), ok)
    }
  }

  clone(): Register {
    const copy = new Register()
    copy.value = this.value
    for (const [op, ok] of this.casResults) copy.casResults.set(op, ok)
    return copy
  }
}
