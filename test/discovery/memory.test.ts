import { afterEach, describe, expect, it } from 'vitest'
import { allKnowEachOther, Nets, until } from '../network/helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('discovery over the memory transport', () => {
  it('lets five networks discover each other from one bootstrap', async () => {
    const boot = await nets.create()
    const t0 = performance.now()
    const others = await Promise.all([1, 2, 3, 4].map(() => nets.create({ bootstrap: boot.addresses() })))
    const all = [boot, ...others]
    await until(all, 'all five catalogs to hold the four others', () => allKnowEachOther(all), 15_000)
    const ms = performance.now() - t0
    console.log(`5 memory-transport networks discovered each other in ${ms.toFixed(0)} ms`)
    for (const n of all) expect(n.discovery.catalog().size).toBe(4)
  })
})
