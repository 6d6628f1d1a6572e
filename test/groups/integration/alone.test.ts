import { afterEach, describe, expect, it } from 'vitest'
import { Nets } from '../../network/helpers.js'
import { joinCounter, networks } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

// Default consensus timings throughout (3 s bootstrap delay, 2 s election timeout): a normal
// member whose only fellow members are observers is the only possible leader and stands at once.

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('a normal member whose only peers are observers (default timings)', () => {
  it('comes online within a second next to two observers', async () => {
    const [na, nb, nc] = await networks(nets, 'memory', 3)
    const t0 = performance.now()
    const a = joinCounter(na!, 'alone-observers')
    const observers = [nb!, nc!].map((n) => joinCounter(n, 'alone-observers', 'observer'))
    await a.group.when.online()
    const ms = performance.now() - t0
    console.log(`time-to-online, normal member with 2 observers (memory): ${ms.toFixed(0)} ms`)
    expect(ms).toBeLessThan(1000)
    const v = await a.group.execute({ k: 'x', by: 1 })
    await Promise.all(observers.map((o) => o.group.when.reaches(v)))
  })

  it('stands again at once when an observer of a later term deposes it', async () => {
    const [na, nb, nc] = await networks(nets, 'memory', 3)
    const a = joinCounter(na!, 'alone-term')
    await a.group.when.online()
    // Step down and back up: a leads term 2, so its observer follows term 2.
    a.group.setPreference('observer')
    a.group.setPreference('normal')
    await waitFor([a.group], 'a to lead term 2', () => a.group.isLeader() && a.group.getSnapshot().term === 2)
    const r = joinCounter(nb!, 'alone-term', 'observer')
    await waitFor([r.group], 'the observer to follow term 2', () => r.group.getSnapshot().online)
    await a.group.leave()
    await r.group.when.offline()

    // A new member starts at term 0: it may win term 1 alone, hears term 2 from the observer
    // and stands again at once instead of after an election timeout.
    const t0 = performance.now()
    const c = joinCounter(nc!, 'alone-term')
    const leads = () => c.group.isLeader() && c.group.getSnapshot().term > 2 && r.group.leader() === nc!.peerId
    await waitFor([c.group, r.group], 'c to lead past term 2 with the observer following', leads, 5000)
    const ms = performance.now() - t0
    console.log(`time-to-lead, normal member joining an observer of a later term: ${ms.toFixed(0)} ms`)
    expect(ms).toBeLessThan(1000)
    const v = await c.group.execute({ k: 'y', by: 1 })
    await r.group.when.reaches(v)
  })
})
