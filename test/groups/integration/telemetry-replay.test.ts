import { afterEach, describe, expect, it } from 'vitest'
import type { TelemetryEvent } from '../../../src/core/telemetry.js'
import { createDevtoolsStore } from '../../../src/devtools/store.js'
import { Nets } from '../../network/helpers.js'
import { joinCounter, networks } from '../helpers/cluster.js'
import { waitFor } from '../helpers/wait.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('telemetry for devtools attached late', () => {
  it('Network.replayTelemetry replays network.started, each group joined, its state and its up bonds', async () => {
    const [na, nb] = await networks(nets, 'memory', 2)
    const a = joinCounter(na!, 'replay', 'normal')
    const b = joinCounter(nb!, 'replay', 'observer')
    await a.group.when.online()
    const v = await a.group.execute({ k: 'x', by: 2 })
    await b.group.when.reaches(v)
    await waitFor([a.group], 'the bond up on a', () => a.group.getSnapshot().bonds.includes(nb!.peerId))

    const seen: TelemetryEvent[] = []
    const live: TelemetryEvent[] = []
    const off = na!.onTelemetry((e) => live.push(e))
    na!.replayTelemetry((e) => seen.push(e))
    off()
    expect(live).toEqual([]) // replayed to the one listener only
    const group = a.group.id.toString()
    expect(seen[0]).toMatchObject({ type: 'network.started', peer: na!.peerId, network: na!.id.toString() })
    expect(seen).toContainEqual(expect.objectContaining({ type: 'group.joined', group, preference: 'normal' }))
    const s = a.group.getSnapshot()
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'group.state', group, role: 'leader', leader: na!.peerId, applied: s.applied }),
    )
    expect(seen).toContainEqual(
      expect.objectContaining({
        type: 'group.bond',
        group,
        remote: nb!.peerId,
        up: true,
        remotePreference: 'observer',
      }),
    )

    // A devtools store attached now knows the group, its replica's role and version.
    const store = createDevtoolsStore({ flushInterval: 0 })
    const detach = store.attach(na!)
    store.flush()
    const g = store.getState().groups[group]
    expect(g?.replicas[na!.peerId]).toMatchObject({ role: 'leader', applied: s.applied })
    detach()
    await nb!.stop()
    na!.replayTelemetry(() => {})
  })

  it('group.committed follows every advance of the applied index, noops included', async () => {
    const [na, nb] = await networks(nets, 'memory', 2)
    const a = joinCounter(na!, 'committed')
    await a.group.when.online()
    let v = 0
    for (let i = 0; i < 3; i++) v = await a.group.execute({ k: 'x', by: 1 })
    const last = (m: typeof a) =>
      m.telemetry.filter((e) => e.type === 'group.committed' && e.peer === m.net.peerId).at(-1) as
        | { version: number }
        | undefined
    // The leader's term-opening no-op moved the version too: devtools end where the replica is.
    expect(last(a)?.version).toBe(a.group.committed())

    const b = joinCounter(nb!, 'committed', 'observer')
    await b.group.when.reaches(v)
    await waitFor([b.group], 'b at the leader version', () => b.group.committed() === a.group.committed())
    expect(last(b)?.version).toBe(b.group.committed())
  })
})
