import { afterEach, describe, expect, it } from 'vitest'
import type { Version } from '../../../src/core/id.js'
import { Nets, until } from '../../network/helpers.js'
import { joinCounter, type Member, netOptions, networks } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

// Default mode. Observers abstain, so a normal member with a shorter log wins any election
// among them; it must first take the state of the most advanced bonded member (observers
// keep the full state), or the observers would resync to its shorter log and lose
// committed entries.

const nets = new Nets()
afterEach(() => nets.stopAll())

function watchReverted(members: Member[]): Version[] {
  const reverted: Version[] = []
  for (const m of members)
    m.group.when.reverted().then(
      (v) => reverted.push(v),
      () => {},
    )
  return reverted
}

async function seeded(key: string): Promise<{ observers: Member[]; version: Version }> {
  const [na, nb, nc] = await networks(nets, 'memory', 3)
  const a = joinCounter(na!, key)
  const observers = [nb!, nc!].map((n) => joinCounter(n, key, 'observer'))
  await a.group.when.online()
  let version = 0
  for (let i = 1; i <= 5; i++) version = await a.group.execute({ k: `k${i % 2}`, by: i })
  await Promise.all(observers.map((o) => o.group.when.reaches(version)))
  for (const o of observers) expect(o.sm.query('total')).toBe(15)
  await a.group.leave()
  await Promise.all(observers.map((o) => o.group.when.offline()))
  return { observers, version }
}

describe('a new normal member next to observers that applied more than its log holds', () => {
  it('pulls their state before it stands (the early-election path)', async () => {
    const { observers, version } = await seeded('catch-up-early')
    const reverted = watchReverted(observers)
    const [nd] = [await nets.create(netOptions('memory', observers[0]!.net.addresses()))]
    const t0 = performance.now()
    const d = joinCounter(nd!, 'catch-up-early')
    await waitFor(
      [d.group],
      'the new member to lead with the state',
      () => d.group.isLeader() && d.group.getSnapshot().online,
    )
    console.log(`new member next to observers: leads with their state in ${(performance.now() - t0).toFixed(0)} ms`)
    expect(d.group.committed()).toBeGreaterThanOrEqual(version)
    expect(d.sm.query('total')).toBe(15)
    expect(d.sm.installs).toBe(1)
    // The install moved the version: devtools hear it as a `group.committed` at that position.
    const installed = d.telemetry.find((e) => e.type === 'group.sync' && e.phase === 'installed') as {
      position: number
    }
    expect(d.telemetry).toContainEqual(
      expect.objectContaining({ type: 'group.committed', version: installed.position, count: 0 }),
    )
    const next = await d.group.execute({ k: 'k9', by: 100 })
    expect(next).toBeGreaterThan(version)
    await Promise.all(observers.map((o) => o.group.when.reaches(next)))
    for (const m of [d, ...observers]) expect(m.sm.query('total')).toBe(115)
    expect(reverted).toEqual([])
    for (const o of observers) expect(o.sm.installs).toBe(0)
  })

  it('a leader elected alone steps down, pulls the state and leads again when it meets them', async () => {
    const { observers, version } = await seeded('catch-up-new-leader')
    const reverted = watchReverted(observers)
    // On a network that knows nobody yet: it is alone and leads at once with an empty log.
    const nd = await nets.create(netOptions('memory'))
    const d = joinCounter(nd, 'catch-up-new-leader')
    await waitFor([d.group], 'the isolated member to lead', () => d.group.isLeader())
    expect(d.sm.query('total')).toBe(0)

    const t0 = performance.now()
    await nd.dial(observers[0]!.net.addresses())
    const all = [nd, ...observers.map((o) => o.net)]
    await until(all, 'the new network to find the observers', () =>
      observers.every((o) => nd.discovery.catalog().has(o.net.peerId)),
    )
    await waitFor(
      [d.group, ...observers.map((o) => o.group)],
      'the new member to lead the observers with their state',
      () => d.sm.query('total') === 15 && d.group.isLeader() && observers.every((o) => o.group.leader() === nd.peerId),
    )
    console.log(`leader elected alone meets observers ahead: leads them in ${(performance.now() - t0).toFixed(0)} ms`)
    const next = await d.group.execute({ k: 'k9', by: 100 })
    expect(next).toBeGreaterThan(version)
    await Promise.all(observers.map((o) => o.group.when.reaches(next)))
    for (const m of [d, ...observers]) expect(m.sm.query('total')).toBe(115)
    expect(reverted).toEqual([])
  })
})
