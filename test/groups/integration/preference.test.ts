import { afterEach, describe, expect, it } from 'vitest'
import { Nets } from '../../network/helpers.js'
import { joinCounter, networks } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }

const nets = new Nets()
afterEach(() => nets.stopAll())

/** `Group.setPreference`: a member changes its role in place and its bonded peers learn it. */
describe('changing a member preference over the memory transport', () => {
  it('an observer that becomes normal is announced to its peers and can take over as leader', async () => {
    const [na, nb] = await networks(nets, 'memory', 2)
    if (!na || !nb) throw new Error('two networks')
    const a = joinCounter(na, 'upgrade', 'normal', FAST)
    const b = joinCounter(nb, 'upgrade', 'observer', FAST)
    await waitFor([a.group, b.group], 'both online', () => a.group.getSnapshot().online && b.group.getSnapshot().online)
    expect(a.group.isLeader()).toBe(true)

    b.group.setPreference('normal')
    expect(b.group.preference).toBe('normal')
    const announced = () =>
      a.telemetry.some((e) => e.type === 'group.bond' && e.remote === nb.peerId && e.remotePreference === 'normal')
    await waitFor([a.group], 'a to hear that b is normal now', announced)

    // The old leader leaves: the former observer stands and serves writes.
    await a.group.leave()
    await waitFor([b.group], 'b to lead', () => b.group.isLeader())
    const v = await b.group.execute({ k: 'x', by: 3 })
    await b.group.when.reaches(v)
    expect((await b.group.query('total', 'strong')).result).toBe(3)
  })

  it('a leader that becomes an observer steps down and a normal peer takes over', async () => {
    const [na, nb] = await networks(nets, 'memory', 2)
    if (!na || !nb) throw new Error('two networks')
    const a = joinCounter(na, 'downgrade', 'normal', FAST)
    await waitFor([a.group], 'a leads', () => a.group.isLeader())
    const b = joinCounter(nb, 'downgrade', 'normal', FAST)
    await waitFor([b.group], 'b online', () => b.group.getSnapshot().online)

    a.group.setPreference('observer')
    await waitFor([a.group, b.group], 'b to lead', () => b.group.isLeader() && a.group.leader() === nb.peerId)
    expect(a.group.getSnapshot().role).toBe('follower')
    // An observer may not write: its own call fails at once (the leader would refuse its forward).
    await expect(a.group.execute({ k: 'y', by: 4 })).rejects.toMatchObject({ kind: 'unauthorized' })
    const v = await b.group.execute({ k: 'y', by: 4 })
    await a.group.when.reaches(v)
    expect(a.sm.query('total')).toBe(4)
  })
})
