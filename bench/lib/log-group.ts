/**
 * A group whose state machine keeps every applied command: the fixture for counting lost
 * writes, which a Cell (one value) cannot show. It uses the public group API
 * (`network.groups.join`), the layer every collection stands on.
 */
import { UniqueId } from '../../src/core/id.js'
import type { ConsensusConfig } from '../../src/groups/config.js'
import type { Group, JoinOptions, Snapshot, StateMachine } from '../../src/groups/types.js'
import type { Network } from '../../src/network/index.js'

/** One write: which loop on which peer, and its sequence number. */
export interface LogCommand {
  readonly p: number
  readonly s: number
}

export const keyOf = (c: LogCommand): string => `${c.p}:${c.s}`

export class LogMachine implements StateMachine<LogCommand, never, never, LogCommand> {
  applied: LogCommand[] = []

  signature(): UniqueId {
    return UniqueId.from('mosaik-bench.log-machine')
  }

  apply(command: LogCommand): void {
    this.applied.push(command)
  }

  query(): never {
    throw new Error('LogMachine has no queries')
  }

  createSnapshot(): Snapshot<LogCommand> {
    const items = this.applied.slice()
    return { length: items.length, range: (a, b) => items.slice(a, b) }
  }

  installSnapshot(items: readonly LogCommand[]): void {
    this.applied = [...items]
  }
}

interface Groups {
  join<C, Q, R, I>(options: JoinOptions<C, Q, R, I>): Group<C, Q, R>
}

/** Joins the log group on `network`. */
export function joinLog(
  network: Network,
  key: string,
  consensus: Partial<ConsensusConfig>,
): { group: Group<LogCommand>; machine: LogMachine } {
  const machine = new LogMachine()
  const groups = (network as unknown as { groups: Groups }).groups
  const group = groups.join<LogCommand, never, never, LogCommand>({ key, stateMachine: machine, consensus })
  return { group, machine }
}
