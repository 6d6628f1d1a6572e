/**
 * Startup simulation (issue #16): members start one after another, each bootstrapping from the
 * first two, join the group right after their network starts and write once. Connections,
 * identify, catalog exchanges (each side's entry signed when sent, the sender's entry ingested
 * before the answer), gossip announces and bonds all take seeded delays. The real
 * `SurroundingsTracker` and `standing` policy decide when a member stands alone, on every event,
 * as the group driver does; the election timer of the core does the rest. Optionally the thread
 * stalls after each join: the whole process (one Node process, as in the repro) or only the
 * joining peer (a browser tab), during which nothing of it runs and its timers fire late.
 *
 * Checked: the usual invariants with one leader per term, no revert, every acknowledged write
 * kept, and a converged group with every write in it at the end.
 */

import { SurroundingsTracker } from '../../../src/discovery/surroundings.js'
import type { LeadershipPreference, NodeId, RaftConfig } from '../../../src/groups/raft/index.js'
import { standNow } from '../../../src/groups/raft-config.js'
import { holdsBack, standing } from '../../../src/groups/standing.js'
import { Invariants } from './invariants.js'
import { SimNode } from './node.js'
import { Random, seededRng } from './rng.js'
import { replayCommand, type Scenario } from './scenarios.js'
import type { SimResult } from './simulator.js'
import { StartupPeer, type StartupWorld } from './startup-peer.js'

/** Group id the members join (any 64-hex id). */
export const GROUP = '5e'.repeat(32)
/** One tick stands for this many ms on the trackers' clocks. */
export const TICK_MS = 10
const END_TICKS = 600

export interface StartupStats {
  readonly nodes: number
  readonly preferences: string
  readonly ticks: number
  readonly terms: number
  readonly commit: number
  readonly reverts: number
  readonly acknowledged: number
  readonly lost: number
}

interface Queued {
  readonly at: number
  readonly order: number
  readonly peer: NodeId | undefined
  readonly run: () => void
}

export class StartupSimulation implements StartupWorld {
  readonly random: Random
  readonly peers = new Map<NodeId, StartupPeer>()
  readonly invariants = new Invariants({ strict: false, oneLeaderPerTerm: true })
  readonly #scenario: Scenario
  readonly #seed: number
  readonly #trace: ((line: string) => void) | undefined
  #queue: Queued[] = []
  #order = 0
  tick = 0
  maxTerm = 0

  constructor(scenario: Scenario, seed: number, trace?: (line: string) => void) {
    this.#scenario = scenario
    this.#seed = seed
    this.#trace = trace
    const random = new Random(seed)
    this.random = random
    const writers = random.int(2, 5)
    const readers = random.int(0, 2)
    const config = this.#configFactory()
    // Cells open right after their network starts, or (a page whose provider connected before
    // its components mounted) all networks start first and the cells open together later.
    const openLate = random.chance(0.4)
    const total = writers + readers
    let at = 0
    for (let i = 0; i < total; i++) {
      const id = String.fromCharCode(97 + i)
      const preference: LeadershipPreference = i < writers ? 'normal' : 'observer'
      const tracker = new SurroundingsTracker(() => this.tick * TICK_MS)
      const node = new SimNode(id, preference, config)
      const peer = new StartupPeer(this, node, tracker, i < writers, () => config(id, preference))
      this.peers.set(id, peer)
      // Networks start one after another; a cell opens right after its network started.
      at += random.int(0, 8)
      const bootstrap = [...this.peers.keys()].slice(0, Math.min(2, i))
      this.at(at, undefined, () => peer.start(bootstrap))
      const joinAt = openLate ? 8 * total + 30 + i * random.int(0, 2) : at + random.int(0, 2)
      this.at(joinAt, undefined, () => this.#join(peer))
    }
  }

  #configFactory(): (id: NodeId, preference: LeadershipPreference) => RaftConfig {
    const random = this.random
    const heartbeatTicks = random.int(2, 3)
    // Bootstrap delay plus election timeout (3 s + 2 s by default) dwarf discovery's delays.
    const bootstrapTicks = random.int(30, 50)
    return (id, preference) => ({
      id,
      preference,
      electionTicks: 10,
      electionJitterTicks: 10,
      heartbeatTicks,
      bootstrapTicks,
      reluctantExtraTicks: 10,
      maxEntriesPerAppend: 64,
      rng: seededRng(this.#seed * 31 + id.charCodeAt(0)),
    })
  }

  /** Schedules `run` at tick `at`; a frozen `peer` runs it once it thaws, in order. */
  at(at: number, peer: NodeId | undefined, run: () => void): void {
    this.#queue.push({ at, order: this.#order++, peer, run })
  }

  /** Trace line (replays with `--trace`). */
  log(line: string): void {
    this.#trace?.(`${this.tick} ${line}`)
  }

  /** Whether a peer runs the planted bug instead of the policy. */
  get planted(): boolean {
    return this.#scenario.plant === 'emptyCatalogAlone'
  }

  /** Whether fresh members hold back while a listed member is not bonded (planted: they do not). */
  get holds(): boolean {
    return !this.planted && this.#scenario.plant !== 'noHold'
  }

  /** Ticks a bond takes to form: a few, or (slow bonds, one in two) longer than an election timeout. */
  bondTicks(): number {
    if (this.#scenario.slowBonds && this.random.chance(0.5)) return this.random.int(40, 65)
    return this.random.int(1, 4)
  }

  #join(peer: StartupPeer): void {
    peer.join()
    const stall = this.#scenario.stall
    if (!stall) return
    const ticks = this.random.int(5, 12)
    if (stall === 'process') for (const p of this.peers.values()) p.freezeUntil(this.tick + ticks)
    else peer.freezeUntil(this.tick + ticks)
  }

  run(): StartupStats {
    for (this.tick = 0; this.tick < END_TICKS; this.tick++) {
      this.#runDue()
      for (const peer of this.peers.values()) peer.onTick()
      if (this.tick % 10 === 0) this.invariants.checkLogs(this.#rafts())
    }
    this.invariants.checkLogs(this.#rafts())
    return this.#check()
  }

  #runDue(): void {
    for (;;) {
      const due = this.#queue.filter((q) => q.at <= this.tick)
      if (due.length === 0) return
      this.#queue = this.#queue.filter((q) => q.at > this.tick)
      due.sort((a, b) => a.order - b.order)
      for (const q of due) {
        const peer = q.peer !== undefined ? this.peers.get(q.peer) : undefined
        if (peer && peer.frozenUntil > this.tick) this.#queue.push({ ...q, at: peer.frozenUntil })
        else q.run()
      }
    }
  }

  #rafts() {
    return new Map([...this.peers].filter(([, p]) => p.joined).map(([id, p]) => [id, p.node.raft]))
  }

  #check(): StartupStats {
    const peers = [...this.peers.values()]
    const leaders = peers.filter((p) => p.node.raft.status().role === 'leader')
    if (leaders.length !== 1) throw new Error(`no single leader at the end: ${leaders.map((p) => p.node.id)}`)
    const leader = (leaders[0] as StartupPeer).node
    const target = leader.raft.status()
    let lost = 0
    let acknowledged = 0
    for (const p of peers) {
      const s = p.node.raft.status()
      if (s.commit !== target.commit || p.node.appliedIndex !== target.commit || s.leader !== leader.id)
        throw new Error(`${p.node.id} not converged: commit ${s.commit}, leader ${s.leader} vs ${target.commit}`)
      for (const ack of p.acks) {
        acknowledged++
        if (leader.appliedAt(ack.index) !== ack.command) lost++
      }
      if (p.writer && p.acks.length === 0) throw new Error(`the write of ${p.node.id} was never acknowledged`)
    }
    if (lost > 0) throw new Error(`${lost} acknowledged write(s) lost`)
    if (this.invariants.reverts > 0) throw new Error(`${this.invariants.reverts} revert(s) at startup`)
    return {
      nodes: peers.length,
      preferences: peers.map((p) => p.node.preference[0]).join(''),
      ticks: this.tick,
      terms: this.maxTerm,
      commit: target.commit,
      reverts: this.invariants.reverts,
      acknowledged,
      lost,
    }
  }
}

/** One seeded startup run, as a `SimResult` (the fields of the chaos scenarios it has no use for are 0). */
export function simulateStartup(scenario: Scenario, seed: number, trace?: (line: string) => void): SimResult {
  const sim = new StartupSimulation(scenario, seed, trace)
  let stats: StartupStats | undefined
  let error: string | undefined
  try {
    stats = sim.run()
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  }
  const peers = [...sim.peers.values()]
  return {
    scenario: scenario.name,
    seed,
    ok: error === undefined,
    ...(error ? { error } : {}),
    replay: replayCommand(scenario.name, seed),
    nodes: peers.length,
    preferences: peers.map((p) => p.node.preference[0]).join(''),
    ticks: sim.tick,
    sent: 0,
    dropped: 0,
    refused: 0,
    midReadyCrashes: 0,
    terms: sim.maxTerm,
    commit: stats?.commit ?? 0,
    reverts: sim.invariants.reverts,
    rivals: 0,
    faults: 0,
    ops: stats?.acknowledged ?? 0,
    info: 0,
    linearizability: 'skipped',
  }
}

/** Ticks a fresh member holds back at most (the driver: bootstrap delay + 2 election timeouts). */
export const HOLD_TICKS = 70

/** The decision a peer takes on every event: the policy, or (planted) the old empty-catalog rule. */
export function decide(peer: StartupPeer, planted: boolean, holds: boolean): void {
  const { node } = peer
  const s = node.raft.status()
  const members = peer.members()
  if (holds) {
    // As the driver: a fresh member's core is an observer while a listed member is not bonded.
    const hold = holdsBack({
      preference: node.preference,
      term: s.term,
      joinedForMs: peer.joinedFor() * TICK_MS,
      holdMs: HOLD_TICKS * TICK_MS,
      bonded: s.peers,
      members,
    })
    node.raft.setPreference(hold ? 'observer' : node.preference)
  }
  const verdict = planted
    ? undefined
    : standing({
        preference: node.preference,
        role: s.role,
        leader: s.leader,
        bonded: s.peers,
        members,
        surroundings: peer.tracker.surroundings(GROUP),
        identifyBoundMs: 1_000,
      })
  if (verdict?.decision === 'wait' && verdict.hear) peer.hearFromAll()
  const alone = planted
    ? peer.joinedFor() >= 15 && // the old 150 ms grace
      node.preference !== 'observer' &&
      s.role === 'follower' &&
      s.leader === undefined &&
      [...s.peers.values()].every((p) => p === 'observer') &&
      members.every((m) => s.peers.has(m))
    : verdict?.decision === 'stand'
  if (alone) standNow(node.raft, peer.config())
}
