import type { LeadershipPreference, Message, NodeId, RaftConfig } from '../../../src/groups/raft/index.js'
import { describe, StrictModeViolation } from '../../../src/groups/raft/index.js'
import { Workload } from './clients.js'
import { type PartitionKind, partition, partitionKinds } from './faults.js'
import { FORGED, forgeAppend } from './hostile.js'
import { Invariants, Violation } from './invariants.js'
import { checkLinearizable } from './linearizability.js'
import { Network } from './network.js'
import { SimNode } from './node.js'
import { Random, seededRng } from './rng.js'
import { replayCommand, type Scenario } from './scenarios.js'
import { simulateStartup } from './startup.js'

export interface SimOptions {
  /** Ticks of faults, then ticks of calm in which the cluster must heal and converge. */
  readonly chaosTicks?: number
  readonly healTicks?: number
  /** Receives one line per event (role changes, faults, deliveries) for replaying a failure. */
  readonly trace?: (line: string) => void
}

export interface SimResult {
  readonly scenario: string
  readonly seed: number
  readonly ok: boolean
  readonly error?: string
  readonly replay: string
  readonly nodes: number
  readonly preferences: string
  readonly ticks: number
  readonly sent: number
  readonly dropped: number
  readonly terms: number
  readonly commit: number
  readonly reverts: number
  /** Times two leaders of one term could reach each other (default mode) and the rival rule ran. */
  readonly rivals: number
  readonly faults: number
  /** Crashes inside a Ready (before or after its durable write). */
  readonly midReadyCrashes: number
  readonly ops: number
  readonly info: number
  readonly linearizability: 'ok' | 'violated' | 'inconclusive' | 'skipped'
  /** Hostile appends a strict core refused before changing anything (plant `hostileAppend`). */
  readonly refused: number
}

/**
 * Run one seeded simulation: a cluster under the scenario's faults, invariants checked on every
 * Ready, log matching every few ticks, convergence after the heal, and (strict scenarios) leaders
 * cut off from a quorum stepping down (check-quorum) and a linearizability check of the client
 * history. Deterministic: the seed is the whole input.
 */
export function simulate(scenario: Scenario, seed: number, options: SimOptions = {}): SimResult {
  if (scenario.startup) return simulateStartup(scenario, seed, options.trace)
  const sim = new Simulation(scenario, seed, options)
  let error: string | undefined
  try {
    sim.run()
  } catch (e) {
    error = e instanceof Violation || e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  }
  const lin = error === undefined ? sim.checkHistory() : 'skipped'
  if (lin === 'violated') error = 'linearizability: the client history has no valid linearization'
  return { ...sim.stats(), ok: error === undefined, ...(error ? { error } : {}), linearizability: lin }
}

/** How long two bonded leaders of one term may coexist before the rival rule must have fired. */
const RIVAL_TICKS = 40
/** Election timeout base of every simulated member (`RaftConfig.electionTicks`). */
const ELECTION_TICKS = 10
/**
 * Strict mode check-quorum: a leader cut off from a quorum steps down within two election
 * timeouts (answers from before the cut may still count at the next check, never at the one after).
 */
const CUT_OFF_TICKS = 2 * ELECTION_TICKS

class Simulation {
  readonly #scenario: Scenario
  readonly #seed: number
  readonly #random: Random
  readonly #network: Network
  readonly #nodes = new Map<NodeId, SimNode>()
  readonly #invariants: Invariants
  readonly #workload: Workload
  readonly #chaosTicks: number
  readonly #healTicks: number
  #tick = 0
  #now = 0
  #faults = 0
  #maxTerm = 0
  readonly #rivals = new Map<string, number>()
  #refused = 0
  /**
   * Members that crash inside their next Ready (durable storage semantics): `unpersisted` dies
   * before the Ready's one atomic write, `unsent` right after it (fsynced, nothing sent, applied
   * or answered). Either way only what was persisted before an ack survives.
   */
  readonly #crashing = new Map<NodeId, 'unpersisted' | 'unsent'>()
  crashesMidReady = 0
  #rivalEpisodes = 0
  /** Strict mode: leaders bonded with fewer than a quorum of voters, and since when. */
  readonly #cutOff = new Map<string, number>()
  readonly #voters: number
  readonly #trace: ((line: string) => void) | undefined

  constructor(scenario: Scenario, seed: number, options: SimOptions) {
    this.#scenario = scenario
    this.#seed = seed
    const random = new Random(seed)
    this.#random = random
    this.#chaosTicks = options.chaosTicks ?? 400
    this.#healTicks = options.healTicks ?? 250
    this.#trace = options.trace
    const size = random.pick([3, 5, 7])
    const observers = random.int(0, Math.floor((size - 1) / 2) - (size === 3 ? 1 : 0))
    const ids = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + i))
    const voters = size - observers
    this.#voters = voters
    const config = this.#configFactory(voters)
    for (const [i, id] of ids.entries()) {
      const preference: LeadershipPreference = i >= voters ? 'observer' : random.chance(0.3) ? 'reluctant' : 'normal'
      this.#nodes.set(id, new SimNode(id, preference, config))
    }
    this.#network = new Network(random, {
      minDelay: 0,
      maxDelay: random.int(1, 4),
      loss: scenario.lossy ? random.pick([0, 0.02, 0.1]) : 0,
      duplicate: scenario.lossy ? random.pick([0, 0.05]) : 0,
    })
    // Observers can be many; the seed decides whether the strict quorum counts only voters.
    this.#invariants = new Invariants({
      strict: scenario.strict,
      oneLeaderPerTerm: scenario.strict,
    })
    this.#workload = new Workload(
      random,
      {
        clients: random.int(2, 4),
        maxOps: scenario.linearizability ? 70 : 150,
        rate: 0.2,
        timeoutTicks: 60,
        ...(scenario.plant === 'localReads' ? { localReads: true } : {}),
      },
      ids,
    )
  }

  #configFactory(voters: number): (id: NodeId, preference: LeadershipPreference) => RaftConfig {
    const random = this.#random
    const heartbeatTicks = random.int(2, 3)
    const maxEntriesPerAppend = random.pick([1, 3, 64])
    const bootstrapTicks = random.int(0, 10)
    const minVoters = this.#scenario.strict ? voters : undefined
    return (id, preference) => ({
      id,
      preference,
      electionTicks: ELECTION_TICKS,
      electionJitterTicks: 10,
      heartbeatTicks,
      bootstrapTicks,
      reluctantExtraTicks: 10,
      maxEntriesPerAppend,
      // Odd seeds run the group driver's setting: a new commit is announced on the next tick
      // (the driver's next event-loop turn) or with the next AppendEntries, whichever is first.
      ...(this.#seed % 2 === 1 ? { deferCommitNotice: true } : {}),
      ...(minVoters ? { minVoters } : {}),
      rng: seededRng(this.#seed * 31 + id.charCodeAt(0) + this.#faults * 1000),
    })
  }

  run(): void {
    this.#refreshViews()
    let nextFault = this.#random.int(20, 60)
    let finalProposed = false
    const end = this.#chaosTicks + this.#healTicks
    for (this.#tick = 0; this.#tick < end; this.#tick++) {
      if (this.#tick < this.#chaosTicks && this.#tick >= nextFault) {
        this.#fault()
        nextFault = this.#tick + this.#random.int(10, 50)
      }
      if (this.#tick === this.#chaosTicks) this.#heal()
      if (!finalProposed && this.#tick >= this.#chaosTicks + this.#healTicks / 2) finalProposed = this.#proposeFinal()
      for (const node of this.#nodes.values()) {
        if (!node.up) continue
        node.raft.announceCommit()
        node.raft.tick()
        this.#process(node)
        // Like the driver: start snapshot sync when told, retry while the core still needs it.
        if (node.syncing && node.syncAt === undefined) node.syncAt = this.#tick + this.#random.int(1, 5)
        if (node.syncAt !== undefined && node.syncAt <= this.#tick) this.#snapshotSync(node)
      }
      for (const message of this.#network.due(this.#tick)) this.#deliver(message)
      if (this.#scenario.plant === 'hostileAppend' && this.#tick % 7 === 3) this.#hostileAppend()
      this.#workload.step(++this.#now, this.#tick, this.#nodes, this.#tick < this.#chaosTicks + this.#healTicks / 2)
      if (this.#tick % 10 === 0) this.#invariants.checkLogs(this.#rafts())
      this.#checkRivals()
      if (this.#scenario.strict) this.#checkCutOffLeaders()
    }
    this.#workload.close(++this.#now)
    this.#invariants.checkLogs(this.#rafts())
    this.#checkConverged(finalProposed)
  }

  /**
   * Default mode may elect two leaders in one term when their committees never overlapped
   * (mosaik). Once they can reach each other, the rival rule must end that within a few heartbeats.
   */
  #checkRivals(): void {
    const leaders = [...this.#nodes.values()].filter((n) => n.up && n.raft.status().role === 'leader')
    const now = new Set<string>()
    for (const a of leaders) {
      for (const b of leaders) {
        const term = a.raft.status().term
        if (a.id >= b.id || term !== b.raft.status().term || !this.#network.bonded(a.id, b.id)) continue
        const key = `${a.id}/${b.id}/${term}`
        now.add(key)
        const since = this.#rivals.get(key) ?? this.#tick
        if (since === this.#tick) this.#rivalEpisodes++
        this.#rivals.set(key, since)
        if (this.#tick - since > RIVAL_TICKS) {
          throw new Violation(`rival leaders ${a.id} and ${b.id} of term ${term} coexist since tick ${since}`)
        }
      }
    }
    for (const key of this.#rivals.keys()) if (!now.has(key)) this.#rivals.delete(key)
  }

  /**
   * Strict mode check-quorum (Raft §6.2): a leader bonded with fewer than floor(voters/2)+1
   * voters (itself included) can neither commit nor confirm a read, so it must not keep claiming
   * leadership past `CUT_OFF_TICKS`.
   */
  #checkCutOffLeaders(): void {
    const quorum = Math.floor(this.#voters / 2) + 1
    const now = new Set<string>()
    for (const leader of this.#nodes.values()) {
      const status = leader.raft.status()
      if (!leader.up || status.role !== 'leader') continue
      let reachable = 1
      for (const other of this.#nodes.values()) {
        if (other.id !== leader.id && other.preference !== 'observer' && this.#network.bonded(leader.id, other.id))
          reachable++
      }
      if (reachable >= quorum) continue
      const key = `${leader.id}/${status.term}`
      now.add(key)
      const since = this.#cutOff.get(key) ?? this.#tick
      this.#cutOff.set(key, since)
      if (this.#tick - since > CUT_OFF_TICKS) {
        throw new Violation(`check-quorum: ${leader.id} still leads term ${status.term}, cut off since tick ${since}`)
      }
    }
    for (const key of this.#cutOff.keys()) if (!now.has(key)) this.#cutOff.delete(key)
  }

  #rafts(): Map<NodeId, SimNode['raft']> {
    return new Map([...this.#nodes.values()].filter((n) => n.up).map((n) => [n.id, n.raft]))
  }

  #deliver(message: Message<string>): void {
    const node = this.#nodes.get(message.to)
    if (!node?.up) return
    this.#now++
    this.#trace?.(`${this.#tick} ${message.from}->${message.to} ${describe(message)}`)
    try {
      node.raft.step(message)
    } catch (err) {
      // Like the driver: a refused hostile append is counted (and its bond dropped there).
      if (!(err instanceof StrictModeViolation)) throw err
      this.#refused++
      this.#trace?.(`${this.#tick} ${node.id} refused: ${err.message}`)
    }
    this.#process(node)
  }

  /** Plant `hostileAppend`: one follower gets a forged append replacing its committed entry. */
  #hostileAppend(): void {
    const followers = [...this.#nodes.values()].filter((n) => n.up)
    if (followers.length === 0) return
    const node = this.#random.pick(followers)
    const forged = forgeAppend(node.id, node.raft)
    if (forged) this.#deliver(forged)
    if (node.history.includes(FORGED)) throw new Error(`${node.id} applied a forged entry`)
  }

  /** Handle every Ready like the group driver would, checking invariants first. */
  #process(node: SimNode): void {
    const raft = node.raft
    while (raft.hasReady()) {
      const ready = raft.ready()
      const crash = this.#crashing.get(node.id)
      if (crash === 'unpersisted') {
        this.#down(node, `crash before persisting a Ready`)
        return
      }
      this.#invariants.onReady(node.id, raft, ready)
      const disk = node.disk
      if (ready.truncateFrom !== undefined) {
        const from = ready.truncateFrom
        disk.entries = disk.entries.filter((e) => e.index < from)
      }
      disk.entries.push(...ready.entries)
      if (ready.hardState) disk.hardState = ready.hardState
      if (crash === 'unsent') {
        this.#down(node, `crash after persisting a Ready, before sending it`)
        return
      }
      if (ready.softState) {
        this.#maxTerm = Math.max(this.#maxTerm, ready.softState.term)
        this.#trace?.(
          `${this.#tick} ${node.id} ${ready.softState.role} t=${ready.softState.term} leader=${ready.softState.leader}`,
        )
      }
      if (ready.reverted !== undefined) this.#trace?.(`${this.#tick} ${node.id} reverted to ${ready.reverted}`)
      for (const message of ready.messages) {
        this.#network.send(message, this.#tick)
        if (this.#scenario.plant === 'forgedAcks') this.#forgeAck(message)
      }
      if (ready.reverted !== undefined) node.revert(ready.reverted)
      for (const entry of ready.committed) node.apply(entry)
      for (const outcome of ready.proposals) this.#workload.onProposal(node.id, outcome, ++this.#now)
      for (const state of ready.readStates) this.#workload.onReadState(node.id, state, ++this.#now)
      raft.advance()
      if (ready.needsSnapshot) node.syncing = true
      if (this.#scenario.compaction && node.appliedIndex - node.compactedTo > 30) node.compact()
    }
  }

  /** Planted bug: every follower "acknowledges" at once, so a leader commits without a quorum. */
  #forgeAck(message: Message<string>): void {
    if (message.type !== 'appendEntries') return
    const leader = this.#nodes.get(message.from)
    leader?.raft.step({
      type: 'appendEntriesResponse',
      term: message.term,
      from: message.to,
      to: message.from,
      success: true,
      lastIndex: message.prevIndex + message.entries.length,
      lagging: false,
    })
  }

  #snapshotSync(node: SimNode): void {
    node.syncAt = undefined
    const need = node.raft.status().needsSnapshot
    node.syncing = need !== undefined
    if (!need) return
    const source = this.#nodes.get(need.leader)
    if (!source?.up || !this.#network.bonded(node.id, source.id) || source.appliedIndex < need.index) return
    node.installFrom(source)
    this.#process(node)
  }

  /** Tell each member which peers it is bonded with (peerUp / peerDown), as the driver would. */
  #refreshViews(): void {
    const forged = this.#scenario.plant === 'forgedAcks'
    for (const node of this.#nodes.values()) {
      if (!node.up) continue
      for (const other of this.#nodes.values()) {
        if (other.id === node.id) continue
        const bonded = forged ? other.up : this.#network.bonded(node.id, other.id)
        if (bonded && !node.view.has(other.id)) {
          node.view.add(other.id)
          node.raft.peerUp(other.id, other.preference)
        } else if (!bonded && node.view.has(other.id)) {
          node.view.delete(other.id)
          node.raft.peerDown(other.id)
        }
      }
      this.#process(node)
    }
  }

  #fault(): void {
    const random = this.#random
    const scenario = this.#scenario
    const kinds: string[] = []
    if (scenario.partitions) kinds.push(...partitionKinds)
    if (scenario.crashes) kinds.push('crash', 'restart', 'restart')
    if (kinds.length === 0) return
    this.#faults++
    const kind = random.pick(kinds)
    this.#trace?.(`${this.#tick} fault ${kind}`)
    const nodes = [...this.#nodes.values()]
    if (kind === 'crash') {
      const up = nodes.filter((n) => n.up && !this.#crashing.has(n.id))
      if (up.length > 1) this.#crash(random.pick(up))
    } else if (kind === 'restart') {
      const down = nodes.filter((n) => !n.up)
      if (down.length > 0) this.#restart(random.pick(down), !(scenario.amnesia && random.chance(0.3)))
    } else {
      const leader = nodes.find((n) => n.up && n.raft.status().role === 'leader')?.id
      partition(kind as PartitionKind, random, this.#network, [...this.#nodes.keys()], leader)
    }
    this.#refreshViews()
  }

  #crash(node: SimNode): void {
    // Durable storage: a crash may land inside the next Ready, before or after its write.
    const mode = this.#random.pick(['between', 'between', 'unpersisted', 'unsent'] as const)
    if (mode !== 'between') {
      this.#crashing.set(node.id, mode)
      return
    }
    // Crash between two turns of the driver loop: whatever the core produced is on disk by now.
    this.#process(node)
    this.#checkDisk(node)
    this.#down(node, 'crash between Readies')
  }

  #down(node: SimNode, why: string): void {
    if (this.#crashing.delete(node.id)) this.crashesMidReady++
    this.#trace?.(`${this.#tick} ${node.id} down: ${why}`)
    node.up = false
    node.view.clear()
    this.#network.setUp(node.id, false)
  }

  /** Ready's persistence contract: after each Ready, disk and core hold the same log and hard state. */
  #checkDisk(node: SimNode): void {
    const status = node.raft.status()
    const onDisk = node.disk.entries.filter((e) => e.index >= status.firstIndex)
    const inCore = node.raft.entries(status.firstIndex, status.lastIndex)
    const key = (e: { index: number; term: number; command: string }) => `${e.index}/${e.term}/${e.command}`
    if (onDisk.map(key).join() !== inCore.map(key).join()) {
      throw new Violation(`${node.id}: persisted log ${onDisk.map(key)} differs from the core's ${inCore.map(key)}`)
    }
    const hard = node.disk.hardState
    if (hard.term !== status.term || hard.commit !== status.commit) {
      throw new Violation(
        `${node.id}: persisted hard state ${JSON.stringify(hard)} lags the core (t=${status.term}, c=${status.commit})`,
      )
    }
  }

  #restart(node: SimNode, keep: boolean): void {
    this.#crashing.delete(node.id)
    if (!keep) this.#invariants.forget(node.id)
    node.restart(keep)
    this.#network.setUp(node.id, true)
  }

  #heal(): void {
    this.#crashing.clear()
    this.#network.healLinks()
    this.#network.faults = { minDelay: 0, maxDelay: this.#network.faults.maxDelay, loss: 0, duplicate: 0 }
    for (const node of this.#nodes.values()) if (!node.up) this.#restart(node, true)
    this.#refreshViews()
  }

  /** After the heal, one more write must commit everywhere (liveness). */
  #proposeFinal(): boolean {
    const leader = [...this.#nodes.values()].find((n) => n.up && n.raft.status().role === 'leader')
    if (!leader) return false
    leader.raft.propose(['w|0|final'])
    // Clients may still read it: it belongs in the history, with an outcome no client learned.
    this.#workload.history.push({
      client: -1,
      input: { kind: 'write', value: 'final' },
      output: undefined,
      call: ++this.#now,
      ret: undefined,
    })
    this.#process(leader)
    return true
  }

  #checkConverged(finalProposed: boolean): void {
    const nodes = [...this.#nodes.values()]
    for (const n of nodes)
      this.#trace?.(
        `end ${n.id} ${n.preference} ${JSON.stringify({ ...n.raft.status(), peers: [...n.raft.status().peers.keys()] })}`,
      )
    const leaders = nodes.filter((n) => n.raft.status().role === 'leader')
    if (leaders.length !== 1)
      throw new Error(`no single leader after the heal: ${leaders.map((l) => l.id).join(',') || 'none'}`)
    if (!finalProposed) throw new Error('no leader to take the final write after the heal')
    const leader = leaders[0] as SimNode
    const target = leader.raft.status()
    for (const node of nodes) {
      const status = node.raft.status()
      const where = `${node.id} (commit ${status.commit}, last ${status.lastIndex}, applied ${node.appliedIndex})`
      if (
        status.lastIndex !== target.lastIndex ||
        status.commit !== target.commit ||
        node.appliedIndex !== target.commit
      ) {
        throw new Error(
          `not converged after the heal: ${where} vs leader ${leader.id} (commit ${target.commit}, last ${target.lastIndex})`,
        )
      }
      if (node.value() !== leader.value()) throw new Error(`${node.id} holds ${node.value()}, leader ${leader.value()}`)
      if (!node.history.includes('w|0|final')) throw new Error(`the final write did not reach ${node.id}`)
    }
  }

  checkHistory(): SimResult['linearizability'] {
    if (!this.#scenario.linearizability) return 'skipped'
    const result = checkLinearizable(this.#workload.history)
    if (!result.linearizable && this.#trace) {
      for (const op of [...this.#workload.history].sort((a, b) => a.call - b.call))
        this.#trace(`op ${JSON.stringify(op)}`)
      const leader = [...this.#nodes.values()].find((n) => n.raft.status().role === 'leader')
      this.#trace(`applied ${JSON.stringify(leader?.history.map((c, i) => `${i}:${c}`))}`)
    }
    if (result.exhausted) return 'inconclusive'
    return result.linearizable ? 'ok' : 'violated'
  }

  stats(): Omit<SimResult, 'ok' | 'error' | 'linearizability'> {
    const nodes = [...this.#nodes.values()]
    return {
      scenario: this.#scenario.name,
      seed: this.#seed,
      replay: replayCommand(this.#scenario.name, this.#seed),
      nodes: nodes.length,
      preferences: nodes.map((n) => n.preference[0]).join(''),
      ticks: this.#tick,
      sent: this.#network.sent,
      dropped: this.#network.dropped,
      terms: this.#maxTerm,
      commit: Math.max(0, ...nodes.map((n) => n.raft.status().commit)),
      reverts: this.#invariants.reverts,
      rivals: this.#rivalEpisodes,
      refused: this.#refused,
      faults: this.#faults,
      midReadyCrashes: this.crashesMidReady,
      ops: this.#workload.history.length,
      info: this.#workload.history.filter((op) => op.ret === undefined).length,
    }
  }
}
