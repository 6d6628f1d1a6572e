import { afterEach, describe, expect, it } from 'vitest'
import '../../../src/groups/index.js'
import { allKnowEachOther, Nets, until } from '../../network/helpers.js'
import { Counter } from '../helpers/counter.js'
import { waitFor } from '../helpers/wait.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('groups over the memory transport', () => {
  it('a lone first member comes online within a second', async () => {
    const a = await nets.create()
    const t0 = performance.now()
    const g = a.groups.join({ key: 'smoke', stateMachine: new Counter() })
    await g.when.online()
    const ms = performance.now() - t0
    console.log(`time-to-online, lone member (memory): ${ms.toFixed(0)} ms`)
    expect(ms).toBeLessThan(1000)
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
