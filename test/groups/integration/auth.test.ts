import { afterEach, describe, expect, it } from 'vitest'
import '../../../src/groups/index.js'
import { Expiration } from '../../../src/tickets/index.js'
import { builder, grant, refusal, ticketsSeen, validator } from '../../collections/auth-helpers.js'
import { Nets } from '../../network/helpers.js'
import { networks } from '../helpers/cluster.js'
import { Counter } from '../helpers/counter.js'
import { waitFor } from '../helpers/wait.js'

// mosaik tests/groups/auth.rs (jwt_authorized_peers_can_bond), on `network.groups.join`.

const nets = new Nets()
afterEach(() => nets.stopAll())
const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }

describe('a group that requires tickets', () => {
  it('bonds the peers with valid tickets and refuses an expired ticket and no ticket', async () => {
    const [n0, n1, n2, n3] = await networks(nets, 'memory', 4)
    await grant([n0!, n1!])
    n2!.discovery.addTicket(await builder.build(n2!.peerId, Expiration.alreadyExpired()))
    await ticketsSeen([n0!, n1!, n2!, n3!])
    const join = (n: (typeof nets.all)[number]) =>
      n.groups.join({ key: 'auth-group', stateMachine: new Counter(), consensus: FAST, requireTicket: [validator] })
    const refusedExpired = refusal(n0!, n2!.peerId, 'expired')
    const refusedNone = refusal(n0!, n3!.peerId, 'missing')
    const [g0, g1, g2, g3] = [n0!, n1!, n2!, n3!].map(join)
    await waitFor(
      [g0!, g1!],
      'g0 and g1 to bond',
      () => g0!.getSnapshot().bonds.includes(n1!.peerId) && g1!.getSnapshot().bonds.includes(n0!.peerId),
    )
    await Promise.all([refusedExpired, refusedNone])
    expect(g0!.getSnapshot().bonds).toEqual([n1!.peerId])
    expect(g1!.getSnapshot().bonds).toEqual([n0!.peerId])
    // n2 and n3 refuse each other too: each holds no valid ticket.
    expect(g2!.getSnapshot().bonds).toEqual([])
    expect(g3!.getSnapshot().bonds).toEqual([])
    const v = await g0!.execute({ k: 'x', by: 1 })
    await g1!.when.reaches(v)
    expect(g2!.committed()).toBe(0)
    expect(g3!.committed()).toBe(0)
  })
})
