import { afterEach, describe, it } from 'vitest'
import { NEVER_WAITED, ONLINE_BOUND_MS } from '../../helpers/timings.js'
import { Nets } from '../../network/helpers.js'
import { joinCounter, networks } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

// A normal member whose only fellow members are observers is the only possible leader and
// stands at once. The timings are ten minutes (NEVER_WAITED): coming online within the bound
// proves it waited out neither the bootstrap delay nor an election timeout, whatever the load.

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('a normal member whose only peers are observers', () => {
  it('comes online next to two observers without waiting out any timeout', async () => {
    const [na, nb, nc] = await networks(nets, 'memory', 3)
    const t0 = performance.now()
    const a = joinCounter(na!, 'alone-observers', 'normal', NEVER_WAITED)
    const observers = [nb!, nc!].map((n) => joinCounter(n, 'alone-observers', 'observer', NEVER_WAITED))
    await waitFor([a.group], 'the normal member online', () => a.group.getSnapshot().online, ONLINE_BOUND_MS)
    const ms = performance.now() - t0
    console.log(`time-to-online, normal member with 2 observers (memory): ${ms.toFixed(0)} ms`)
    const v = await a.group.execute({ k: 'x', by: 1 })
    await Promise.all(observers.map((o) => o.group.when.reaches(v)))
  })

  it('stands again at once when an observer of a later term deposes it', async () => {
    const [na, nb, nc] = await networks(nets, 'memory', 3)
    const a = joinCounter(na!, 'alone-term', 'normal', NEVER_WAITED)
    await waitFor([a.group], 'a online', () => a.group.getSnapshot().online, ONLINE_BOUND_MS)
    // Step down and back up: a leads term 2, so its observer follows term 2.
    a.group.setPreference('observer')
    a.group.setPreference('normal')
    await waitFor([a.group], 'a to lead term 2', () => a.group.isLeader() && a.group.getSnapshot().term === 2)
    const r = joinCounter(nb!, 'alone-term', 'observer', NEVER_WAITED)
    await waitFor([r.group], 'the observer to follow term 2', () => r.group.getSnapshot().online)
    await a.group.leave()
    await r.group.when.offline()

    // A new member starts at term 0: it may win term 1 alone, hears term 2 from the observer
    // and stands again at once instead of after an election timeout.
    const t0 = performance.now()
    const c = joinCounter(nc!, 'alone-term', 'normal', NEVER_WAITED)
    const leads = () => c.group.isLeader() && c.group.getSnapshot().term > 2 && r.group.leader() === nc!.peerId
    await waitFor([c.group, r.group], 'c to lead past term 2 with the observer following', leads, ONLINE_BOUND_MS)
    const ms = performance.now() - t0
    console.log(`time-to-lead, normal member joining an observer of a later term: ${ms.toFixed(0)} ms`)
    const v = await c.group.execute({ k: 'y', by: 1 })
    await r.group.when.reaches(v)
  })
})
