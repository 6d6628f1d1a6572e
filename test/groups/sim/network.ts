import type { Message, NodeId } from '../../../src/groups/raft/index.js'
import type { Random } from './rng.js'

export interface NetworkFaults {
  /** Delivery delay in ticks: uniform in [minDelay, maxDelay]; different delays reorder. */
  minDelay: number
  maxDelay: number
  loss: number
  duplicate: number
}

interface InFlight {
  readonly at: number
  readonly order: number
  readonly message: Message<string>
}

/**
 * The simulated network: directed links that can be cut (partitions, one-way cuts), seeded delay,
 * loss, duplication and reordering. A message is dropped if its link is cut when it is sent or
 * when it arrives. Members' views (what the driver would report with peerUp/peerDown) follow
 * bonds: a bond is up only while both directions work and both ends are up.
 */
export class Network {
  readonly #random: Random
  readonly #cut = new Set<string>()
  readonly #down = new Set<NodeId>()
  #inFlight: InFlight[] = []
  faults: NetworkFaults
  sent = 0
  dropped = 0

  constructor(random: Random, faults: NetworkFaults) {
    this.#random = random
    this.faults = faults
  }

  linked(from: NodeId, to: NodeId): boolean {
    return from !== to && !this.#down.has(from) && !this.#down.has(to) && !this.#cut.has(`${from}>${to}`)
  }

  bonded(a: NodeId, b: NodeId): boolean {
    return this.linked(a, b) && this.linked(b, a)
  }

  cut(from: NodeId, to: NodeId): void {
    this.#cut.add(`${from}>${to}`)
  }

  healLinks(): void {
    this.#cut.clear()
  }

  setUp(id: NodeId, up: boolean): void {
    if (up) this.#down.delete(id)
    else this.#down.add(id)
  }

  isUp(id: NodeId): boolean {
    return !this.#down.has(id)
  }

  send(message: Message<string>, now: number): void {
    this.sent++
    if (!this.linked(message.from, message.to) || this.#random.chance(this.faults.loss)) {
      this.dropped++
      return
    }
    const copies = this.#random.chance(this.faults.duplicate) ? 2 : 1
    for (let i = 0; i < copies; i++) {
      const at = now + this.#random.int(this.faults.minDelay, this.faults.maxDelay)
      this.#inFlight.push({ at, order: this.#random.next(), message })
    }
  }

  /** Messages due by `now`, in a seeded random order; those whose link broke meanwhile are lost. */
  due(now: number): Message<string>[] {
    const ready = this.#inFlight.filter((m) => m.at <= now)
    if (ready.length === 0) return []
    this.#inFlight = this.#inFlight.filter((m) => m.at > now)
    ready.sort((a, b) => a.order - b.order)
    const delivered: Message<string>[] = []
    for (const { message } of ready) {
      if (this.linked(message.from, message.to)) delivered.push(message)
      else this.dropped++
    }
    return delivered
  }

  get inFlight(): number {
    return this.#inFlight.length
  }
}
