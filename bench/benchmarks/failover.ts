/**
 * Failover: a steady write load on every peer, then the leader goes away, either by
 * `network.stop()` (graceful: it announces its departure) or by a crash (its libp2p node
 * stops under it: no departure, its connections just close). Measured: time from then until
 * a write *submitted after it* commits, and writes lost: acknowledged writes missing from the
 * survivors' state once they agree. Strict mode (`minVoters = n`) must lose none. With
 * default timings the target is ≤ 3 s; the tuned rows show how low the timings can go.
 */
import type { ConsensusConfig } from '../../src/groups/config.js'
import type { Group } from '../../src/groups/types.js'
import { Cluster } from '../lib/cluster.js'
import { QUICK_START } from '../lib/config.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { joinLog, keyOf, type LogCommand, type LogMachine } from '../lib/log-group.js'
import { now, sleep, summarize, within, yieldToEventLoop } from '../lib/stats.js'
import type { BenchTransport } from '../lib/transports.js'

export interface FailoverRun {
  recoveryMs: number
  acked: number
  lost: number
  failed: number
  diverged: boolean
}

interface Mode {
  name: string
  /**
   * `stop`: `network.stop()`, graceful: the leader announces its departure and followers
   * stand at once. `crash`: the leader's libp2p node stops under it (as when its process
   * dies and the OS closes its sockets): no departure, bonds just drop.
   */
  kill: 'stop' | 'crash'
  consensus: (nodes: number) => Partial<ConsensusConfig>
  /** Per-write timeout: a write stuck on the dead leader gives up after this long and is retried. */
  writeTimeout: number
  target?: number
}

const TUNED: Partial<ConsensusConfig> = { heartbeatInterval: 50, electionTimeout: 300, maxMissedHeartbeats: 4 }

export const MODES: Mode[] = [
  {
    name: 'stop, default timings',
    kill: 'stop',
    consensus: () => ({ ...QUICK_START }),
    writeTimeout: 3000,
    target: 3000,
  },
  {
    name: 'crash, default timings',
    kill: 'crash',
    consensus: () => ({ ...QUICK_START }),
    writeTimeout: 3000,
    target: 3000,
  },
  {
    name: 'stop, default timings, strict',
    kill: 'stop',
    consensus: (n) => ({ ...QUICK_START, minVoters: n }),
    writeTimeout: 3000,
    target: 3000,
  },
  {
    name: 'crash, default timings, strict',
    kill: 'crash',
    consensus: (n) => ({ ...QUICK_START, minVoters: n }),
    writeTimeout: 3000,
    target: 3000,
  },
  {
    name: 'crash, tuned (hb 50, election 300 ms), strict',
    kill: 'crash',
    consensus: (n) => ({ ...QUICK_START, ...TUNED, minVoters: n }),
    writeTimeout: 1000,
  },
]

export async function failoverRun(
  transport: BenchTransport,
  nodes: number,
  mode: Mode,
  loopsPerPeer: number,
  warmMs: number,
  trace: (message: string) => void = () => {},
): Promise<FailoverRun> {
  const cluster = await Cluster.start({ transport, writers: 0 })
  const members: Array<{ group: Group<LogCommand>; machine: LogMachine; peer: number }> = []
  try {
    const key = `${cluster.storeId}.log`
    for (let i = 0; i < nodes; i++) {
      const peer = await cluster.addPeer()
      members.push({ ...joinLog(cluster.peers[peer]!.network, key, mode.consensus(nodes)), peer })
      // The first member elects itself alone (not in strict mode, which needs a quorum).
      if (i === 0 && !mode.consensus(nodes).minVoters)
        await within(30_000, 'the first member online', members[0]!.group.when.online())
    }
    await within(30_000, 'every log member online', Promise.all(members.map((m) => m.group.when.online())))
    await within(10_000, 'one agreed leader', waitAgreed(members.map((m) => m.group)))
    trace('online')

    const acked = new Set<string>()
    let failed = 0
    let tStop = Number.POSITIVE_INFINITY
    let recovered: number | undefined
    let running = true
    // Once the leader is gone nothing it acknowledges counts: a crashed process answers no one
    // (its group object lives on here, isolated, and in default mode would go on committing alone).
    let dead: (typeof members)[number] | undefined
    const loop = async (m: (typeof members)[number], l: number) => {
      let s = 0
      while (running && !m.group.closed && m !== dead) {
        const cmd: LogCommand = { p: m.peer * 1000 + l, s: ++s }
        const submitted = now()
        try {
          await m.group.execute(cmd, { timeout: mode.writeTimeout })
          if (m === dead) return
          acked.add(keyOf(cmd))
          if (submitted > tStop && recovered === undefined) recovered = now()
          await yieldToEventLoop()
        } catch {
          failed++
          if (m.group.closed) return
          await sleep(1)
        }
      }
    }
    const loops = members.flatMap((m) => Array.from({ length: loopsPerPeer }, (_, l) => loop(m, l)))
    await sleep(warmMs)
    if (acked.size === 0) throw new Error('no write committed before the leader stopped')
    const leaderId = members[0]!.group.leader()
    const leader = members.find((m) => cluster.peers[m.peer]!.network.peerId === leaderId)
    if (!leader) throw new Error(`leader ${leaderId} is not a member`)
    trace(`stopping leader after ${acked.size} acked`)
    dead = leader
    tStop = now()
    const victim = cluster.peers[leader.peer]!.network
    const stopping = mode.kill === 'stop' ? victim.stop() : victim.libp2p.stop()
    await within(
      20_000,
      'a write submitted after the stop to commit',
      waitFor(() => recovered !== undefined),
    )
    trace(`recovered after ${(recovered as number) - tStop} ms`)
    await stopping
    trace('old leader stopped')
    await sleep(200)
    running = false
    await Promise.all(loops)
    trace('loops done')
    const survivors = members.filter((m) => m !== leader)
    const last = Math.max(...survivors.map((m) => m.group.getSnapshot().commit))
    await within(
      10_000,
      `survivors to apply up to ${last}`,
      Promise.all(survivors.map((m) => m.group.when.reaches(last))),
    )
    const states = survivors.map((m) => new Set(m.machine.applied.map(keyOf)))
    const first = states[0]!
    let lost = 0
    for (const k of acked) if (!first.has(k)) lost++
    const diverged = states.some((s) => s.size !== first.size || [...s].some((k) => !first.has(k)))
    return { recoveryMs: (recovered as number) - tStop, acked: acked.size, lost, failed, diverged }
  } finally {
    await Promise.allSettled(members.map((m) => m.group.leave()))
    await cluster.stop()
  }
}

async function waitAgreed(groups: Group<LogCommand>[]): Promise<void> {
  await waitFor(() => {
    const leaders = new Set(groups.map((g) => g.leader()))
    return leaders.size === 1 && !leaders.has(undefined)
  })
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await sleep(2)
}

export const failover: Benchmark = {
  name: 'failover',
  title: 'failover: leader stops under write load',
  async run(ctx) {
    const p = ctx.pick({
      full: { runs: 3, largeGroupRuns: 2, otherTransportRuns: 1, loopsPerPeer: 4, warmMs: 400 },
      smoke: { runs: 1, largeGroupRuns: 1, otherTransportRuns: 1, loopsPerPeer: 2, warmMs: 100 },
    })
    const rows: Row[] = []
    const sizes = ctx.nodes.filter((n) => n >= 3)
    for (const transport of ctx.transports) {
      // Timings, not the transport, dominate failover: memory gets every mode and size, the
      // real transports the strict modes on the smallest group.
      const modes =
        transport === 'memory' ? MODES : MODES.filter((m) => m.kill === 'crash' && m.name.includes('strict'))
      for (const nodes of transport === 'memory' ? sizes : sizes.slice(0, 1)) {
        for (const mode of ctx.scale === 'smoke' ? MODES.slice(-1) : modes) {
          await ctx.attempt(`failover ${transport} n=${nodes} ${mode.name}`, async () => {
            const runs: FailoverRun[] = []
            const n = transport !== 'memory' ? p.otherTransportRuns : nodes > 3 ? p.largeGroupRuns : p.runs
            for (let i = 0; i < n; i++) runs.push(await failoverRun(transport, nodes, mode, p.loopsPerPeer, p.warmMs))
            const stats = summarize(runs.map((r) => r.recoveryMs))
            const lost = runs.reduce((a, r) => a + r.lost, 0)
            const strict = mode.name.includes('strict')
            rows.push({
              case: `${mode.name}: recovery`,
              transport,
              nodes,
              unit: 'ms',
              stats,
              ...(mode.target && { target: { text: '≤ 3 s', pass: stats.median <= mode.target } }),
              extra: { runs },
            })
            rows.push({
              case: `${mode.name}: writes lost`,
              transport,
              nodes,
              unit: 'writes',
              stats: summarize(runs.map((r) => r.lost)),
              ...(strict && {
                target: { text: '0 lost, replicas agree', pass: lost === 0 && !runs.some((r) => r.diverged) },
              }),
              extra: {
                acked: runs.map((r) => r.acked),
                failed: runs.map((r) => r.failed),
                diverged: runs.some((r) => r.diverged),
              },
            })
            ctx.log(`failover ${transport} n=${nodes} ${mode.name}: ${stats.median.toFixed(0)} ms, lost ${lost}`)
          })
        }
      }
    }
    return {
      rows,
      params: {
        ...p,
        modes: MODES.map((m) => ({
          name: m.name,
          kill: m.kill,
          writeTimeout: m.writeTimeout,
          consensus: m.consensus(3),
        })),
      },
    }
  },
}
