import { Groups } from '../../../../src/groups/groups.js'
import { setNextTurn } from '../../../../src/groups/next-turn.js'
import { groupPlants } from '../../../../src/groups/plants.js'
import type { MemoryStorage } from '../../../../src/groups/storage.js'
import { syncPlants } from '../../../../src/groups/sync/plants.js'
import type { Group } from '../../../../src/groups/types.js'
import { checkLinearizable } from '../linearizability.js'
import { Random } from '../rng.js'
import { DriverChecks } from './checks.js'
import { SimDisks } from './durable-store.js'
import { Hostile } from './hostile.js'
import { type DriverScenario, driverReplay } from './scenarios.js'
import { Scheduler } from './scheduler.js'
import { SimNet, type SimProcess } from './sim-net.js'
import { type RegisterQuery, SimRegister } from './sim-register.js'
import { Workload } from './workload.js'

export interface DriverResult {
  readonly scenario: string
  readonly seed: number
  readonly ok: boolean
  readonly error?: string
  readonly replay: string
  readonly nodes: number
  readonly events: number
  readonly virtualMs: number
  readonly calls: number
  readonly acks: number
  readonly faults: number
  readonly reverts: number
  readonly installs: number
  /** Of those, by the late joiner (it catches up by snapshot). */
  readonly lateInstalls: number
  /** Peer input refused and counted (`input.rejected` plus role refusals), by reason. */
  readonly refused: Record<string, number>
  readonly linearizability: 'ok' | 'violated' | 'inconclusive' | 'skipped'
  /** Durable scenarios: restarts that loaded a kept disk, and the writes their crash lost (not yet durable). */
  readonly durable?: { readonly reloads: number; readonly lostWrites: number; readonly checkedRestarts: number }
}

type Member = Group<string, RegisterQuery, string | boolean | undefined>

interface Slot {
  readonly label: string
  incarnation: number
  peerId: string
  /** The incarnation's name in checks: peer id and start time. */
  name: string
  proc: SimProcess
  member: Member
  sm: SimRegister
  storage: MemoryStorage
}

const CONSENSUS = { heartbeatInterval: 200, electionTimeout: 1_000, bootstrapDelay: 500, maxMissedHeartbeats: 5 }
const SYNC = { snapshotTtl: 3_000, snapshotRequestTimeout: 3_000, fetchTimeout: 1_000 }
/** Convergence is checked this often during the calm phase, virtual ms. */
const CONVERGE_EVERY_MS = 250

/**
 * Runs the real group driver (`Groups` + `GroupMember`: bonds, sync sessions, catch-up pulls,
 * lone-writer election, leader departure, client retries) over a simulated network, under one
 * scenario's faults, deterministically from `seed`.
 */
export async function simulateDriver(scenario: DriverScenario, seed: number): Promise<DriverResult> {
  const sim = new DriverSimulation(scenario, seed)
  return sim.run()
}

class DriverSimulation {
  readonly #s: DriverScenario
  readonly #seed: number
  readonly #rng: Random
  readonly #sched = new Scheduler()
  readonly #net: SimNet
  readonly #checks: DriverChecks
  readonly #workload: Workload
  readonly #slots: Slot[] = []
  readonly #turns: (() => void)[] = []
  readonly #size: number
  readonly #minVoters: number
  #faults = 0
  #freshRestarts = 0
  #events = 0
  #end: number
  #converged = 0
  #hostile: Hostile | undefined
  readonly #disks: SimDisks | undefined

  constructor(s: DriverScenario, seed: number) {
    this.#s = s
    this.#seed = seed
    this.#rng = new Random(seed)
    this.#net = new SimNet(this.#sched, new Random(seed ^ 0x9e3779b9), {
      minDelayMs: 1,
      maxDelayMs: 30,
      resetChance: s.resetChance,
    })
    this.#checks = new DriverChecks(s.strict)
    if (process.env.SIMDRV_TRACE) this.#checks.trace = (line) => console.log(`${this.#sched.now.toFixed(0)} ${line}`)
    this.#workload = new Workload(new Random(seed ^ 0x51ed27), this.#checks, () => this.#sched.now)
    this.#size = this.#rng.pick(s.sizes)
    this.#disks = s.durable ? new SimDisks(this.#sched, new Random(seed ^ 0x6a09e667), this.#checks) : undefined
    const voters = this.#size + (s.lateJoiner ? 1 : 0) + (s.hostile ? 1 : 0)
    // Strict mode: `minVoters` is the number of voters; every commit needs a majority of it.
    this.#minVoters = s.strict ? voters : 0
    this.#end = s.chaosMs + s.calmMs
    this.#net.telemetry.push((e) => {
      if (this.#checks.trace && (e.type === 'group.sync' || e.type === 'group.reverted' || e.type === 'group.state'))
        this.#checks.trace(`${e.peer} ${JSON.stringify({ ...e, at: undefined, peer: undefined, group: undefined })}`)
      if (e.type === 'group.reverted') {
        const slot = this.#slots.find((x) => x.peerId === e.peer && x.proc.life.alive)
        this.#checks.reverted(slot?.name ?? e.peer, this.#sched.now, e.version)
      }
      if (e.type === 'group.refused')
        this.#net.rejected.set(`role:${e.reason}`, (this.#net.rejected.get(`role:${e.reason}`) ?? 0) + 1)
    })
  }

  async run(): Promise<DriverResult> {
    const mathRng = new Random(this.#seed ^ 0x2545f491)
    const realRandom = Math.random
    const restoreTurn = setNextTurn((fn) => this.#turns.push(fn))
    Math.random = () => mathRng.next()
    syncPlants.unvouchedOffers = this.#s.plant === 'unvouched-offers'
    groupPlants.sendBeforeDurable = this.#s.plant === 'send-before-durable'
    let error: string | undefined
    try {
      this.#setUp()
      await this.#loop()
      error = this.#checks.failure ?? this.#finalChecks()
    } catch (err) {
      error = `crash: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
    } finally {
      Math.random = realRandom
      restoreTurn()
      syncPlants.unvouchedOffers = false
      groupPlants.sendBeforeDurable = false
    }
    let lin: DriverResult['linearizability'] = 'skipped'
    if (error === undefined && this.#s.strict) {
      const r = checkLinearizable(this.#workload.history)
      lin = r.exhausted ? 'inconclusive' : r.linearizable ? 'ok' : 'violated'
      if (lin === 'violated') error = 'linearizability: the client history has no valid linearization'
    }
    return {
      scenario: this.#s.name,
      seed: this.#seed,
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
      replay: driverReplay(this.#s.name, this.#seed),
      nodes: this.#size,
      events: this.#events,
      virtualMs: this.#sched.now,
      calls: this.#workload.calls,
      acks: this.#checks.acks.length,
      faults: this.#faults,
      reverts: this.#checks.reverts.length,
      installs: this.#checks.installs,
      lateInstalls: this.#checks.lateInstalls,
      refused: Object.fromEntries(this.#net.rejected),
      linearizability: lin,
      ...(this.#disks
        ? {
            durable: {
              reloads: this.#disks.reloads,
              lostWrites: this.#disks.lost,
              checkedRestarts: this.#disks.ledger.restarts,
            },
          }
        : {}),
    }
  }

  async #loop(): Promise<void> {
    for (;;) {
      if (this.#checks.failure) return
      const fn = this.#sched.pop(this.#end)
      if (!fn) return
      this.#events++
      fn()
      await this.#settle()
      // Let the host's own event loop breathe now and then (no effect on the run's order).
      if (this.#events % 2_000 === 0) await new Promise((r) => setImmediate(r))
    }
  }

  /** Runs the microtasks and the driver's next turns that an event set off. */
  async #settle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 12; i++) await null
      if (this.#turns.length === 0) return
      for (const fn of this.#turns.splice(0)) fn()
    }
  }

  #setUp(): void {
    const s = this.#s
    for (let i = 0; i < this.#size; i++) this.#spawn(String.fromCharCode(97 + i), this.#rng.int(0, 300))
    if (s.startupStallMs > 0) {
      const labels = this.#slots.map((x) => [x.peerId])
      this.#net.partition(labels)
      this.#sched.at(this.#rng.int(s.startupStallMs / 4, s.startupStallMs), () => this.#net.heal())
    }
    if (s.hostile) {
      const slot = this.#spawn('h', this.#rng.int(0, 300))
      this.#hostile = new Hostile(this.#sched, () => slot)
    }
    if (s.lateJoiner) this.#sched.at(this.#rng.int(s.chaosMs / 3, (2 * s.chaosMs) / 3), () => this.#spawn('late', 0))
    if (s.leaderDeparture) this.#sched.at(this.#rng.int(2_000, s.chaosMs - 3_000), () => this.#departLeader())
    // Clients: one call every 50 to 400 virtual ms on a random live member.
    const client = () => {
      if (this.#sched.now >= s.chaosMs) return
      const live = this.#slots.filter((x) => x.proc.life.alive && !x.member.closed && x.label !== 'h')
      if (live.length > 0) this.#workload.call(this.#rng.pick(live))
      this.#sched.at(this.#rng.int(50, 400), client)
    }
    this.#sched.at(1_000, client)
    let at = 1_000
    for (;;) {
      at += this.#rng.int(800, 2_500)
      if (at >= s.chaosMs - 500) break
      this.#sched.at(at - this.#sched.now, () => this.#fault())
    }
    this.#sched.at(s.chaosMs, () => this.#calm())
  }

  #spawn(label: string, delay: number): Slot {
    const slot = { label, incarnation: 0, peerId: `sim-${label}-1` } as Slot
    this.#slots.push(slot)
    const start = () => this.#start(slot, undefined)
    if (delay === 0) start()
    else {
      // Placeholder until the member starts: clients skip it (its process is not alive yet).
      slot.proc = { life: { alive: false } } as SimProcess
      slot.member = { closed: true } as Member
      this.#sched.at(delay, start)
    }
    return slot
  }

  /** Starts (or restarts) a slot's member: same identity with the kept storage, or a fresh one. */
  #start(slot: Slot, storage: MemoryStorage | undefined): void {
    if (slot.proc?.life.alive) return
    if (!storage) slot.incarnation++
    slot.peerId = `sim-${slot.label}-${slot.incarnation}`
    const name = `${slot.peerId}.${this.#sched.now}`
    const proc = this.#net.spawn(slot.peerId)
    const clock = this.#sched.clock(proc.life)
    const wrapped = this.#disks ? this.#disks.open(name, proc, storage) : this.#checks.storage(name, storage)
    const sm = new SimRegister(name, this.#checks, this.#s.divergenceTail)
    const member = new Groups(proc, clock).join({
      key: 'mosaik-react/sim',
      stateMachine: sm,
      consensus: { ...CONSENSUS, minVoters: this.#minVoters },
      sync: SYNC,
      storage: wrapped,
      clock,
    })
    member.subscribe(() => {
      const st = member.getSnapshot()
      if (st.role === 'leader' && proc.life.alive) this.#checks.leader(slot.peerId, st.term)
    })
    Object.assign(slot, { proc, member, sm, storage: wrapped.inner, name })
    if (slot.label === 'h') proc.tamper = (ch, m) => this.#hostile?.tamper(ch, m)
  }

  #fault(): void {
    const live = this.#slots.filter((x) => x.proc.life.alive && !x.member.closed)
    const roll = this.#rng.next()
    this.#faults++
    if (this.#s.partitions && roll < 0.4 && live.length > 1) {
      const ids = this.#rng.shuffle(live.map((x) => x.peerId))
      const cut = this.#rng.int(1, ids.length - 1)
      this.#net.partition([ids.slice(0, cut), ids.slice(cut)])
      this.#sched.at(this.#rng.int(300, 2_500), () => this.#net.heal())
    } else if (this.#s.crashes && roll < 0.8 && live.length > 0) {
      const victim = this.#rng.pick(
        live.filter((x) => x.label !== 'h').length > 0 ? live.filter((x) => x.label !== 'h') : live,
      )
      this.#net.crash(victim.peerId)
      const keep = this.#keepStorage() ? victim.storage : undefined
      this.#sched.at(this.#rng.int(300, 3_000), () => this.#start(victim, keep))
    } else {
      // A burst of broken connections.
      const before = this.#net.faults
      this.#net.faults = { ...before, resetChance: 0.05 }
      this.#sched.at(this.#rng.int(100, 600), () => {
        this.#net.faults = before
      })
    }
  }

  /**
   * Whether a restart keeps its store. Strict mode: at most one member per run comes back
   * without its log (as a fresh identity): strict mode assumes voters keep their logs, and
   * fresh voters that reach a quorum restart the history (README, "What the driver simulator
   * found", still open).
   */
  #keepStorage(): boolean {
    if (this.#s.keepStores) return true
    if (this.#s.strict && this.#freshRestarts >= 1) return true
    const keep = this.#rng.chance(0.5)
    if (!keep) this.#freshRestarts++
    return keep
  }

  /**
   * The leader leaves gracefully and comes back later as a fresh identity: its log is gone. In
   * strict mode that is the run's one lost log (`#keepStorage`), so it happens only while no
   * member has come back fresh yet, and no member does after it.
   */
  #departLeader(): void {
    if (this.#s.strict && this.#freshRestarts >= 1) return
    const leader = this.#slots.find(
      (x) => x.proc.life.alive && !x.member.closed && x.member.isLeader() && x.label !== 'h',
    )
    if (!leader) return
    if (this.#s.strict) this.#freshRestarts++
    this.#faults++
    const proc = leader.proc
    void leader.member.leave().then(() => {
      this.#sched.at(50, () => this.#net.crash(proc.peerId))
      this.#sched.at(this.#rng.int(500, 2_000), () => {
        if (!leader.proc.life.alive) this.#start(leader, undefined)
      })
    })
  }

  /** Chaos ends: heal, restart the dead, let the cluster converge. */
  #calm(): void {
    this.#net.heal()
    this.#net.faults = { ...this.#net.faults, resetChance: 0 }
    for (const slot of this.#slots)
      if (!slot.proc.life.alive && slot.incarnation > 0)
        this.#start(slot, this.#keepStorage() ? slot.storage : undefined)
    const check = () => {
      if (this.#convergedNow()) {
        if (++this.#converged >= 4) {
          this.#end = this.#sched.now
          return
        }
      } else this.#converged = 0
      this.#sched.at(CONVERGE_EVERY_MS, check)
    }
    this.#sched.at(CONVERGE_EVERY_MS, check)
  }

  #live(): Slot[] {
    return this.#slots.filter((x) => x.proc.life.alive && !x.member.closed)
  }

  #convergedNow(): boolean {
    const live = this.#live()
    const first = live[0]
    if (!first) return false
    const s0 = first.member.getSnapshot()
    return live.every((x) => {
      const s = x.member.getSnapshot()
      return (
        s.online &&
        s.leader === s0.leader &&
        s.term === s0.term &&
        s.applied === s0.applied &&
        x.sm.digest === first.sm.digest &&
        s.bonds.length === live.length - 1
      )
    })
  }

  /** After the calm phase: converged, and every acknowledged write kept (or its loss explained). */
  #finalChecks(): string | undefined {
    if (this.#converged < 4) {
      const states = this.#live().map((x) => {
        const s = x.member.getSnapshot()
        return `${x.peerId}: ${s.role} t${s.term} leader=${s.leader ?? '-'} applied=${s.applied} online=${s.online} syncing=${s.syncing} bonds=${s.bonds.length} digest=${x.sm.digest}`
      })
      return `no convergence within ${this.#s.calmMs} ms of calm:\n      ${states.join('\n      ')}`
    }
    const first = this.#live()[0]
    if (first) this.#checks.checkAcks(first.sm.digest, new Set(this.#live().map((x) => x.name)))
    return this.#checks.failure
  }
}
