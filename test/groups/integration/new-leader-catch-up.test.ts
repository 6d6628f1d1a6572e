import { afterEach, describe, expect, it } from 'vitest'
import type { Version } from '../../../src/core/id.js'
import { Nets } from '../../network/helpers.js'
import { joinCounter, type Member, netOptions, networks } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

// Default mode. Observers abstain, so a normal member with a shorter log wins any election
// among them. It used to pull the observers' state first; since roles are granted rather
// than declared, an observer's state is never installed on its word (a reader could inject
// any state), so the observers resync to the new leader's log instead.

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
  // Roles are granted, not declared (issue #11): an observer's progress claim and snapshot
  // are never installed on its word, so a writer never pulls state from readers. Readers
  // follow the writer's log instead (default mode: their newer state is reported reverted).
  it('does not take their state on their word: it leads from its own log and they follow it', async () => {
    const { observers, version } = await seeded('catch-up-early')
    const reverted = watchReverted(observers)
    const [nd] = [await nets.create(netOptions('memory', observers[0]!.net.addresses()))]
    const d = joinCounter(nd!, 'catch-up-early')
    await waitFor([d.group], 'the new member to lead', () => d.group.isLeader() && d.group.getSnapshot().online)
    expect(d.sm.installs).toBe(0)
    expect(d.telemetry.filter((e) => e.type === 'group.sync' && e.peer === nd!.peerId)).toEqual([])
    const next = await d.group.execute({ k: 'k9', by: 100 })
    await Promise.all(observers.map((o) => o.group.when.reaches(next)))
    await waitFor(
      observers.map((o) => o.group),
      'the observers to hold the leader state',
      () => observers.every((o) => o.sm.query('total') === 100),
    )
    expect(d.sm.query('total')).toBe(100)
    expect(reverted.length).toBeGreaterThan(0)
    expect(Math.min(...reverted)).toBeLessThan(version)
  })
})
