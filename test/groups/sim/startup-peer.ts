import type { SurroundingsTracker } from '../../../src/discovery/surroundings.js'
import type { LeadershipPreference, Message, NodeId, RaftConfig } from '../../../src/groups/raft/index.js'
import type { Invariants } from './invariants.js'
import type { SimNode } from './node.js'
import type { Random } from './rng.js'
import { decide, GROUP, HOLD_TICKS } from './startup.js'

/** What a peer needs of the simulation around it. */
export interface StartupWorld {
  readonly random: Random
  readonly peers: ReadonlyMap<NodeId, StartupPeer>
  readonly invariants: Invariants
  readonly planted: boolean
  readonly holds: boolean
  bondTicks(): number
  tick: number
  maxTerm: number
  at(at: number, peer: NodeId | undefined, run: () => void): void
  log(line: string): void
}

/** A signed discovery entry, reduced to what the policy reads: member or not, and its version. */
interface Entry {
  readonly member: boolean
  readonly version: number
}

/**
 * One simulated peer: its network (dials, connections, identify, catalog exchange, gossip), its
 * group member (bonds, the core, the standing decision) and one writer's client.
 */
export class StartupPeer {
  readonly node: SimNode
  readonly tracker: SurroundingsTracker
  readonly writer: boolean
  readonly acks: { index: number; command: string }[] = []
  readonly #world: StartupWorld
  readonly #config: () => RaftConfig
  readonly #catalog = new Map<NodeId, Entry>()
  readonly #connections = new Set<NodeId>()
  readonly #dialing = new Set<NodeId>()
  readonly #bonding = new Set<NodeId>()
  joined = false
  frozenUntil = 0
  #joinedAt = 0
  #version = 0
  #write: { requestId?: number; index?: number } = {}

  constructor(
    world: StartupWorld,
    node: SimNode,
    tracker: SurroundingsTracker,
    writer: boolean,
    config: () => RaftConfig,
  ) {
    this.#world = world
    this.node = node
    this.tracker = tracker
    this.writer = writer
    this.#config = config
  }

  get id(): NodeId {
    return this.node.id
  }

  config(): RaftConfig {
    return this.#config()
  }

  joinedFor(): number {
    return this.#world.tick - this.#joinedAt
  }

  /** Peers whose entry (as last heard) says they are members. */
  members(): NodeId[] {
    return [...this.#catalog].filter(([, e]) => e.member).map(([id]) => id)
  }

  /** As discovery's `hearFromAll`: an exchange with each connected peer not asked since the join. */
  hearFromAll(): void {
    for (const peer of this.tracker.unheard(GROUP)) this.#exchangeWith(peer)
  }

  freezeUntil(tick: number): void {
    this.frozenUntil = Math.max(this.frozenUntil, tick)
  }

  /** The network starts and dials its bootstrap peers. */
  start(bootstrap: NodeId[]): void {
    for (const target of bootstrap) this.#dial(target, true)
  }

  /** The cell opens: announce membership (gossip, maybe lost), re-check every catalog. */
  join(): void {
    this.joined = true
    this.#joinedAt = this.#world.tick
    this.tracker.joined(GROUP)
    for (const peer of this.tracker.catalogPeers()) this.#exchangeWith(peer)
    const announce = this.#entry()
    for (const peer of this.#connections) {
      if (this.#world.random.chance(0.3)) continue
      this.#send(peer, this.#world.random.int(1, 10), (p) => p.#ingest(this.id, announce))
    }
    for (const member of this.members()) this.#maybeBond(member)
    this.#reconsider()
  }

  onTick(): void {
    if (!this.joined || this.frozenUntil > this.#world.tick) return
    this.node.raft.tick()
    this.#client()
    this.#process()
    // The planted rule acts on its grace timer; the policy on events and at the hold bound (as the driver).
    if (this.#world.planted || this.joinedFor() === HOLD_TICKS) this.#reconsider()
  }

  #delay(): number {
    return this.#world.random.int(1, 4)
  }

  /** Runs `fn` on `peer` after `ticks` (later if that peer is frozen then). */
  #send(peer: NodeId, ticks: number, fn: (p: StartupPeer) => void): void {
    const p = this.#world.peers.get(peer)
    if (p) this.#world.at(this.#world.tick + ticks, peer, () => fn(p))
  }

  #dial(target: NodeId, bootstrap: boolean): void {
    if (this.#connections.has(target) || this.#dialing.has(target) || target === this.id) return
    this.#dialing.add(target)
    const settled = bootstrap ? this.tracker.dialStarted() : undefined
    this.#world.at(this.#world.tick + this.#world.random.int(1, 6), this.id, () => {
      this.#dialing.delete(target)
      this.#connected(target, 'outbound')
      this.#send(target, this.#world.random.int(0, 1), (p) => p.#connected(this.id, 'inbound'))
      settled?.()
      this.#reconsider()
    })
  }

  #connected(peer: NodeId, direction: 'inbound' | 'outbound'): void {
    if (this.#connections.has(peer)) return
    this.#connections.add(peer)
    this.tracker.connected(peer)
    this.#world.at(this.#world.tick + this.#world.random.int(1, 2), this.id, () => {
      this.tracker.identified(peer, true)
      if (direction === 'outbound') this.#exchangeWith(peer)
      this.#reconsider()
    })
    this.#maybeBond(peer)
    this.#reconsider()
  }

  #entry(): Entry {
    return { member: this.joined, version: ++this.#version }
  }

  /** Our entry signed now; theirs signed when the request arrives, after ingesting ours. */
  #exchangeWith(peer: NodeId): void {
    const ended = this.tracker.exchangeStarted(peer)
    const mine = this.#entry()
    this.#send(peer, this.#delay(), (other) => {
      other.#ingest(this.id, mine)
      const reply: [NodeId, Entry][] = [[other.id, other.#entry()], ...other.#catalog]
      other.#send(this.id, other.#delay(), (me) => {
        for (const [id, e] of reply) me.#ingest(id, e)
        ended(true)
        me.#reconsider()
      })
    })
  }

  #ingest(peer: NodeId, entry: Entry): void {
    if (peer === this.id) return
    const known = this.#catalog.get(peer)
    if (known && known.version >= entry.version) return
    this.#catalog.set(peer, entry)
    this.#dial(peer, false)
    this.#maybeBond(peer)
    this.#reconsider()
  }

  #maybeBond(peer: NodeId): void {
    const other = this.#world.peers.get(peer)
    if (!other || !this.joined || !this.#catalog.get(peer)?.member || !this.#connections.has(peer)) return
    if (this.node.view.has(peer) || this.#bonding.has(peer)) return
    this.#bonding.add(peer)
    other.#bonding.add(this.id)
    const ticks = this.#world.bondTicks()
    this.#send(peer, ticks, (p) => p.#bondUp(this))
    this.#send(this.id, ticks, (p) => p.#bondUp(other))
  }

  #bondUp(other: StartupPeer): void {
    if (this.node.view.has(other.id)) return
    this.node.view.add(other.id)
    this.node.raft.peerUp(other.id, other.node.preference as LeadershipPreference)
    this.#world.log(`${this.id} bond up ${other.id}`)
    this.#process()
    this.#reconsider()
  }

  #reconsider(): void {
    if (!this.joined || this.frozenUntil > this.#world.tick) return
    decide(this, this.#world.planted, this.#world.holds)
    this.#process()
  }

  /** One write per writer, retried until it commits (the driver's client). */
  #client(): void {
    if (!this.writer || this.acks.length > 0 || this.#write.requestId !== undefined) return
    if (this.#write.index !== undefined) return
    this.#write = { requestId: this.node.raft.propose([`w|${this.id}`]) }
  }

  #deliver(m: Message<string>): void {
    this.node.raft.step(m)
    this.#process()
  }

  #process(): void {
    const { node } = this
    const raft = node.raft
    while (raft.hasReady()) {
      const ready = raft.ready()
      this.#world.invariants.onReady(node.id, raft, ready)
      if (ready.truncateFrom !== undefined) {
        const from = ready.truncateFrom
        node.disk.entries = node.disk.entries.filter((e) => e.index < from)
      }
      node.disk.entries.push(...ready.entries)
      if (ready.hardState) node.disk.hardState = ready.hardState
      if (ready.softState) {
        this.#world.maxTerm = Math.max(this.#world.maxTerm, ready.softState.term)
        this.#world.log(`${node.id} ${ready.softState.role} t=${ready.softState.term} leader=${ready.softState.leader}`)
      }
      for (const m of ready.messages) {
        if (node.view.has(m.to)) this.#send(m.to, this.#world.random.int(1, 3), (p) => p.#deliver(m))
      }
      if (ready.reverted !== undefined) {
        this.#world.log(`${node.id} reverted to ${ready.reverted}`)
        node.revert(ready.reverted)
      }
      for (const entry of ready.committed) {
        node.apply(entry)
        if (entry.index !== this.#write.index) continue
        if (entry.command === `w|${this.id}`) this.acks.push({ index: entry.index, command: entry.command })
        this.#write = {}
      }
      for (const p of ready.proposals) {
        if (p.requestId !== this.#write.requestId) continue
        this.#write = p.indices ? { index: p.indices[0] as number } : {}
        // The forward's answer may come after the entry was applied here.
        const index = this.#write.index
        if (index === undefined || index > node.appliedIndex) continue
        if (node.appliedAt(index) === `w|${this.id}`) this.acks.push({ index, command: `w|${this.id}` })
        this.#write = {}
      }
      raft.advance()
    }
  }
}
