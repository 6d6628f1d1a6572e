import { afterEach, describe, expect, it } from 'vitest'
import { Nets } from '../../network/helpers.js'
import { joinCounter, type Member, networks, type Transport } from '../helpers/cluster.js'
import { percentile, waitFor } from '../helpers/wait.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe.each<Transport>(['memory', 'tcp'])('a group of 3 normal and 2 observer members over %s', (transport) => {
  async function fiveMembers(key: string): Promise<Member[]> {
    const ns = await networks(nets, transport, 5)
    const ms = ns.map((n, i) => joinCounter(n, key, i < 3 ? 'normal' : 'observer'))
    const gs = ms.map((m) => m.group)
    await waitFor(gs, 'all five members online', () => gs.every((g) => g.getSnapshot().online), 15_000)
    return ms
  }

  it('elects one normal leader and replicates a counter to every member', async () => {
    const ms = await fiveMembers(`cluster-${transport}`)
    const leaders = new Set(ms.map((m) => m.group.leader()))
    expect(leaders.size).toBe(1)
    const leader = ms.find((m) => m.group.isLeader()) as Member
    expect(leader.sm.preference).toBe('normal')
    // Writes from a follower are forwarded to the leader; an observer may not write at all.
    const observer = ms[4] as Member
    await expect(observer.group.execute({ k: 'k0', by: 1 })).rejects.toMatchObject({ kind: 'unauthorized' })
    const follower = ms.slice(0, 3).find((m) => !m.group.isLeader()) as Member
    let v = 0
    for (let i = 0; i < 20; i++) v = await follower.group.execute({ k: `k${i % 3}`, by: 1 })
    await Promise.all(ms.map((m) => m.group.when.reaches(v)))
    expect(ms.map((m) => m.sm.query('total'))).toEqual([20, 20, 20, 20, 20])
    // The mesh is full: every member knows all 10 bonds.
    await waitFor(
      ms.map((m) => m.group),
      'every member to know the full mesh',
      () => ms.every((m) => m.group.mesh().length === 10),
    )
    // Commit latency on the leader (3 voters).
    const lat: number[] = []
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now()
      await leader.group.execute({ k: 'lat', by: 1 })
      lat.push(performance.now() - t0)
    }
    console.log(
      `commit latency, 3 voters + 2 observers (${transport}): p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms`,
    )
    // Devtools see role, bonds, mesh, votes and commits of every member.
    const types = new Set(ms.flatMap((m) => m.telemetry.map((e) => e.type)))
    for (const t of ['group.joined', 'group.state', 'group.bond', 'group.mesh', 'group.vote', 'group.committed'])
      expect(types).toContain(t)
    const states = leader.telemetry.filter((e) => e.type === 'group.state' && e.peer === leader.net.peerId)
    expect(states.at(-1)).toMatchObject({ role: 'leader', online: true, leader: leader.net.peerId })
  })

  it('three members commit one write at a time, from the leader and from a follower', async () => {
    const ns = await networks(nets, transport, 3)
    const ms = ns.map((n) => joinCounter(n, `latency-${transport}`))
    const gs = ms.map((m) => m.group)
    await waitFor(gs, 'three members online', () => gs.every((g) => g.getSnapshot().online), 15_000)
    const leader = gs.find((g) => g.isLeader()) as (typeof gs)[number]
    const follower = gs.find((g) => !g.isLeader()) as (typeof gs)[number]
    const measure = async (g: typeof leader) => {
      const lat: number[] = []
      for (let i = 0; i < 300; i++) {
        const t0 = performance.now()
        await g.execute({ k: 'lat', by: 1 })
        lat.push(performance.now() - t0)
      }
      return `p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms`
    }
    const fromLeader = await measure(leader)
    const fromFollower = await measure(follower)
    console.log(`commit latency, 3 members (${transport}): leader ${fromLeader}; follower ${fromFollower}`)
    await Promise.all(gs.map((g) => g.when.reaches(follower.committed())))
    expect(ms.map((m) => m.sm.query('total'))).toEqual([600, 600, 600])
  })

  it("a new leader takes over after the leader's network stops and writes succeed again", async () => {
    const ms = await fiveMembers(`failover-${transport}`)
    const old = ms.find((m) => m.group.isLeader()) as Member
    const rest = ms.filter((m) => m !== old)
    const v0 = await (rest.find((m) => m.sm.preference === 'normal') as Member).group.execute({ k: 'before', by: 1 })
    const t0 = performance.now()
    await old.net.stop()
    const gs = rest.map((m) => m.group)
    await waitFor(
      gs,
      'a new leader',
      () => gs.some((g) => g.isLeader()) && gs.every((g) => g.leader() !== old.net.peerId && g.getSnapshot().online),
      15_000,
    )
    const elected = performance.now() - t0
    const survivor = rest.find((m) => m.sm.preference === 'normal' && !m.group.isLeader()) as Member
    const v1 = await survivor.group.execute({ k: 'after', by: 1 })
    console.log(
      `failover (${transport}): new leader ${elected.toFixed(0)} ms after stop(), first write committed at ${(performance.now() - t0).toFixed(0)} ms`,
    )
    expect(v1).toBeGreaterThan(v0)
    await Promise.all(gs.map((g) => g.when.reaches(v1)))
    expect(rest.map((m) => m.sm.query('total'))).toEqual([2, 2, 2, 2])
    expect(rest.find((m) => m.group.isLeader())?.sm.preference).toBe('normal')
  })
})
