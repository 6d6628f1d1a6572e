import type { NodeId, ProposalOutcome, ReadState } from '../../../src/groups/raft/index.js'
import type { Operation } from './linearizability.js'
import { encodeCommand, type RegisterOp } from './register.js'
import type { Random } from './rng.js'

/** What the workload needs from a simulated member. */
export interface Replica {
  readonly id: NodeId
  readonly up: boolean
  readonly appliedIndex: number
  /** Command applied at `index`, when this replica applied it. */
  appliedAt(index: number): string | undefined
  value(): string
  casResult(op: number): boolean | undefined
  propose(command: string): number
  readIndex(): number
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'proposed'; requestId: number }
  | { kind: 'applying'; index: number }
  | { kind: 'reading'; requestId: number }
  | { kind: 'readApplying'; index: number }

interface Client {
  readonly id: number
  node: NodeId
  phase: Phase
  op: { id: number; input: RegisterOp; command: string | undefined; call: number; deadline: number } | undefined
}

export interface WorkloadOptions {
  readonly clients: number
  readonly maxOps: number
  /** Chance per tick that an idle client starts an operation. */
  readonly rate: number
  readonly timeoutTicks: number
  /** Planted bug: answer strong reads from the local replica without asking the leader. */
  readonly localReads?: boolean
}

/**
 * Closed-loop clients issuing write / strong read / compare-and-swap against replicas, recording a
 * history for the linearizability checker. An outcome the client cannot be sure of (timeout, a
 * crashed replica, a leader that stepped down) is recorded as `info`; a definite "not appended"
 * is dropped from the history, since it had no effect.
 */
export class Workload {
  readonly history: Operation[] = []
  readonly #clients: Client[] = []
  readonly #random: Random
  readonly #options: WorkloadOptions
  #nextOp = 1
  #values = 0

  constructor(random: Random, options: WorkloadOptions, nodes: readonly NodeId[]) {
    this.#random = random
    this.#options = options
    for (let id = 0; id < options.clients; id++) {
      this.#clients.push({ id, node: random.pick(nodes), phase: { kind: 'idle' }, op: undefined })
    }
  }

  get issued(): number {
    return this.#nextOp - 1
  }

  get pending(): number {
    return this.#clients.filter((c) => c.op).length
  }

  /** Start new operations and finish those whose replica caught up. */
  step(now: number, tick: number, replicas: ReadonlyMap<NodeId, Replica>, issue: boolean): void {
    for (const client of this.#clients) {
      const replica = replicas.get(client.node)
      if (client.op && (!replica?.up || tick > client.op.deadline)) this.#finish(client, now, 'info')
      if (!replica?.up) {
        client.node = this.#random.pick([...replicas.values()].filter((r) => r.up).map((r) => r.id))
        continue
      }
      if (client.phase.kind === 'applying' && replica.appliedIndex >= client.phase.index) {
        const op = client.op
        const applied = replica.appliedAt(client.phase.index)
        // Another command at our index: ours was overwritten (or compacted away): unknown.
        if (!op || applied !== op.command) this.#finish(client, now, 'info')
        else this.#finish(client, now, op.input.kind === 'cas' ? replica.casResult(op.id) : undefined)
      } else if (client.phase.kind === 'readApplying' && replica.appliedIndex >= client.phase.index) {
        this.#finish(client, now, replica.value())
      }
      if (
        client.phase.kind === 'idle' &&
        issue &&
        this.issued < this.#options.maxOps &&
        this.#random.chance(this.#options.rate)
      ) {
        this.#start(client, now, tick, replica)
      }
    }
  }

  #start(client: Client, now: number, tick: number, replica: Replica): void {
    const id = this.#nextOp++
    const roll = this.#random.next()
    const input: RegisterOp =
      roll < 0.4
        ? { kind: 'write', value: `v${++this.#values}` }
        : roll < 0.75
          ? { kind: 'read' }
          : {
              kind: 'cas',
              expected: this.#random.chance(0.5) ? `v${this.#values}` : replica.value(),
              next: `v${++this.#values}`,
            }
    const command = input.kind === 'read' ? undefined : encodeCommand(id, input)
    client.op = { id, input, command, call: now, deadline: tick + this.#options.timeoutTicks }
    if (command !== undefined) client.phase = { kind: 'proposed', requestId: replica.propose(command) }
    else if (this.#options.localReads) this.#finish(client, now, replica.value())
    else client.phase = { kind: 'reading', requestId: replica.readIndex() }
  }

  /** The run ended: whatever is still pending has an unknown outcome. */
  close(now: number): void {
    for (const client of this.#clients) if (client.op) this.#finish(client, now, 'info')
  }

  onProposal(node: NodeId, outcome: ProposalOutcome, now: number): void {
    const client = this.#clients.find(
      (c) => c.node === node && c.phase.kind === 'proposed' && c.phase.requestId === outcome.requestId,
    )
    if (!client) return
    const index = outcome.indices?.[0]
    if (index !== undefined) client.phase = { kind: 'applying', index }
    else this.#finish(client, now, outcome.reason === 'noLeader' || outcome.reason === 'notLeader' ? 'failed' : 'info')
  }

  onReadState(node: NodeId, state: ReadState, now: number): void {
    const client = this.#clients.find(
      (c) => c.node === node && c.phase.kind === 'reading' && c.phase.requestId === state.requestId,
    )
    if (!client) return
    if (state.index !== undefined) client.phase = { kind: 'readApplying', index: state.index }
    else this.#finish(client, now, 'failed')
  }

  #finish(client: Client, now: number, output: string | boolean | undefined | 'info' | 'failed'): void {
    const op = client.op
    client.op = undefined
    client.phase = { kind: 'idle' }
    if (!op || output === 'failed') return
    const info = output === 'info'
    this.history.push({
      client: client.id,
      input: op.input,
      output: info ? undefined : output,
      call: op.call,
      ret: info ? undefined : now,
    })
  }
}
