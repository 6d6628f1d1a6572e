import { afterEach, describe, expect, it } from 'vitest'
import '../../../src/groups/index.js'
import { NEVER_WAITED, ONLINE_BOUND_MS } from '../../helpers/timings.js'
import { allKnowEachOther, Nets, until } from '../../network/helpers.js'
import { Counter } from '../helpers/counter.js'
import { waitFor } from '../helpers/wait.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('groups over the memory transport', () => {
  it('a lone first member comes online without waiting out its bootstrap delay or an election timeout', async () => {
    const a = await nets.create()
    const t0 = performance.now()
    const g = a.groups.join({ key: 'smoke', stateMachine: new Counter(), consensus: NEVER_WAITED })
    await waitFor([g], 'the lone member online', () => g.getSnapshot().online, ONLINE_BOUND_MS)
    console.log(`time-to-online, lone member (memory): ${(performance.now() - t0).toFixed(0)} ms`)
    expect(await g.execute({ k: 'a', by: 2 })).toBeGreaterThan(0)
    expect((await g.query('total', 'strong')).result).toBe(2)
  })

  it('three members elect one leader and replicate commands', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    const c = await nets.create({ bootstrap: a.addresses() })
    await until([a, b, c], 'three networks to know each other', () => allKnowEachOther([a, b, c]))
    const sms = [new Counter(), new Counter(), new Counter()]
    const gs = [a, b, c].map((n, i) => n.groups.join({ key: 'smoke3', stateMachine: sms[i] as Counter }))
    await waitFor(gs, 'all three online', () => gs.every((g) => g.getSnapshot().online))
    const leaders = new Set(gs.map((g) => g.leader()))
    expect(leaders.size).toBe(1)
    const v = await (gs[1] as (typeof gs)[number]).execute({ k: 'x', by: 5 })
    await Promise.all(gs.map((g) => g.when.reaches(v)))
    expect(sms.map((s) => s.query('total'))).toEqual([5, 5, 5])
  })
})
