import type { PeerId } from '../../../../src/core/id.js'
import { Groups } from '../../../../src/groups/groups.js'
import { setNextTurn } from '../../../../src/groups/next-turn.js'
import type { Group } from '../../../../src/groups/types.js'
import type { Channel } from '../../../../src/network/types.js'
import { Random } from '../rng.js'
import { DriverChecks } from './checks.js'
import { Scheduler } from './scheduler.js'
import type { SimChannel } from './sim-channel.js'
import { SimNet, type SimProcess } from './sim-net.js'
import { type RegisterQuery, SimRegister } from './sim-register.js'

/** The driver simulator's timings (simulation.ts): election timeout 1 s, heartbeat 200 ms. */
const CONSENSUS = { heartbeatInterval: 200, electionTimeout: 1_000, bootstrapDelay: 500, maxMissedHeartbeats: 5 }
/** Every write must land within two election timeouts; a forward lost with its bond waits 2.5 s for the core to give up. */
export const BOND_REPLACE_BOUND_MS = 2 * CONSENSUS.electionTimeout
const CHAOS_MS = 10_000
const CALL_TIMEOUT_MS = 4_000

type Member = Group<string, RegisterQuery, string | boolean | undefined>

interface Node {
  readonly peerId: PeerId
  readonly proc: SimProcess
  readonly member: Member
}

export interface BondReplaceResult {
  readonly seed: number
  readonly ok: boolean
  readonly error?: string
  readonly replay: string
  readonly nodes: number
  /** Bonds superseded by the one the smaller peer id opened while in use. */
  readonly replaced: number
  readonly writes: number
  /** Slowest write, virtual ms from the call to its local apply. */
  readonly worstMs: number
}

export function bondReplaceReplay(seed: number): string {
  return `npm run sim -- --driver --scenario bond-replace --seed ${seed}`
}

/**
 * Fault "replace a bond" (the relay trial's two bonds per pair): the link between the leader and
 * a follower resets; both sides redial, the larger id's dial lands first and carries the
 * follower's forwards, then the smaller id's dial (held back, as a hung WebRTC dial) lands and its
 * bond supersedes the one in use. Writes run on every member throughout; each must apply once
 * and within `BOND_REPLACE_BOUND_MS`, not at the core's forward timeout.
 */
export async function simulateBondReplace(seed: number): Promise<BondReplaceResult> {
  const rng = new Random(seed)
  const sched = new Scheduler()
  const net = new SimNet(sched, new Random(seed ^ 0x9e3779b9), { minDelayMs: 1, maxDelayMs: 30, resetChance: 0 })
  const checks = new DriverChecks(false)
  const mathRng = new Random(seed ^ 0x2545f491)
  const realRandom = Math.random
  const turns: (() => void)[] = []
  const restoreTurn = setNextTurn((fn) => turns.push(fn))
  Math.random = () => mathRng.next()
  const size = rng.int(2, 3)
  const nodes: Node[] = []
  /** Dial held back per `from>to`, virtual ms (the next dial only). */
  const slow = new Map<string, number>()
  let replaced = 0
  let writes = 0
  let worstMs = 0
  const errors: string[] = []
  /** Per write op: the indices it was applied at, per replica. */
  const appliedAt = new Map<string, Set<number>>()
  const observer = {
    applied: (node: string, index: number, term: number, command: string, parent: string, d: string, v: string) => {
      checks.applied(node, index, term, command, parent, d, v)
      if (node !== nodes[0]?.peerId) return
      const at = appliedAt.get(command) ?? new Set<number>()
      at.add(index)
      appliedAt.set(command, at)
    },
    installed: (node: string, item: Parameters<DriverChecks['installed']>[1]) => checks.installed(node, item),
  }
  const spawn = (label: string) => {
    const peerId = `sim-${label}`
    const proc = net.spawn(peerId)
    const open = proc.openChannel.bind(proc)
    proc.openChannel = (peer, name, options) => {
      const key = `${peerId}>${peer}`
      const hold = slow.get(key) ?? 0
      slow.delete(key)
      const opened = open(peer, name, options).then((ch) => count(ch))
      if (hold === 0) return opened
      return new Promise<Channel>((resolve, reject) => sched.at(hold, () => opened.then(resolve, reject), proc.life))
    }
    const clock = sched.clock(proc.life)
    const member = new Groups(proc, clock).join({
      key: 'mosaik-react/sim',
      stateMachine: new SimRegister(peerId, observer, 64),
      consensus: CONSENSUS,
      clock,
    })
    nodes.push({ peerId, proc, member })
  }
  const count = (ch: Channel): Channel => {
    ch.onClose((info) => {
      if (info.reason === 'duplicate-bond' && info.by === 'local') replaced++
    })
    return ch
  }
  const leaderOf = () => nodes.find((n) => n.member.isLeader())
  const fault = () => {
    const leader = leaderOf()
    const followers = nodes.filter((n) => n !== leader)
    if (!leader || followers.length === 0) return
    const follower = rng.pick(followers)
    const [small, large] = [leader.peerId, follower.peerId].sort() as [PeerId, PeerId]
    // The smaller id's dial (the winner) lands after the larger id's retry has bonded.
    slow.set(`${small}>${large}`, rng.int(400, 900))
    if (process.env.SIMDRV_TRACE)
      console.log(`fault ${sched.now} ${small}>${large} hold ${slow.get(`${small}>${large}`)}`)
    const proc = nodes.find((n) => n.peerId === small)?.proc
    for (const ch of [...(proc?.channels ?? [])] as SimChannel[]) if (ch.remotePeer === large) ch.reset()
  }
  const write = () => {
    if (sched.now >= CHAOS_MS) return
    const node = rng.pick(nodes)
    const op = ++writes
    const command = `w|${op}|v${op}`
    checks.written.add(`v${op}`)
    const call = sched.now
    node.member.execute(command, { timeout: CALL_TIMEOUT_MS }).then(
      () => {
        worstMs = Math.max(worstMs, sched.now - call)
        if (process.env.SIMDRV_TRACE && sched.now - call > 1000)
          console.log(`slow write ${op} on ${node.peerId} ${call} -> ${sched.now}`)
      },
      (err: unknown) =>
        errors.push(`write ${op} on ${node.peerId} at ${call} failed after ${sched.now - call} ms: ${err}`),
    )
    sched.at(rng.int(20, 120), write)
  }
  let events = 0
  try {
    for (let i = 0; i < size; i++) spawn(String.fromCharCode(97 + i))
    if (process.env.SIMDRV_TRACE)
      net.telemetry.push((e) => {
        const x = e as unknown as Record<string, unknown>
        if (
          ['group.bond', 'group.state', 'group.vote', 'group.role', 'group.reverted'].includes(e.type) ||
          e.type.startsWith('group.')
        )
          console.log(
            sched.now.toFixed(0),
            e.peer,
            e.type,
            JSON.stringify({ ...x, at: undefined, peer: undefined, group: undefined, type: undefined }).slice(0, 200),
          )
      })
    // Writes start once a leader is elected: a split vote at startup is not what this measures.
    const start = () => (leaderOf() ? write() : sched.at(50, start))
    sched.at(1_000, start)
    for (let at = 2_000; at < CHAOS_MS - 1_500; at += rng.int(1_200, 2_000)) sched.at(at, fault)
    for (;;) {
      const fn = sched.pop(CHAOS_MS + CALL_TIMEOUT_MS + 1_000)
      if (!fn || checks.failure) break
      events++
      fn()
      for (let round = 0; round < 100; round++) {
        for (let i = 0; i < 12; i++) await null
        if (turns.length === 0) break
        for (const t of turns.splice(0)) t()
      }
      if (events % 2_000 === 0) await new Promise((r) => setImmediate(r))
    }
  } finally {
    Math.random = realRandom
    restoreTurn()
  }
  const twice = [...appliedAt].filter(([, at]) => at.size > 1).map(([c, at]) => `${c} at ${[...at].join(', ')}`)
  const error =
    checks.failure ??
    (errors.length > 0 ? errors.slice(0, 3).join('\n  ') : undefined) ??
    (twice.length > 0 ? `applied twice: ${twice.slice(0, 3).join('; ')}` : undefined) ??
    (worstMs > BOND_REPLACE_BOUND_MS ? `a write took ${worstMs} ms (bound ${BOND_REPLACE_BOUND_MS} ms)` : undefined) ??
    (appliedAt.size < writes ? `${writes - appliedAt.size} of ${writes} writes never applied` : undefined)
  return {
    seed,
    ok: error === undefined,
    ...(error === undefined ? {} : { error }),
    replay: bondReplaceReplay(seed),
    nodes: size,
    replaced,
    writes,
    worstMs,
  }
}
