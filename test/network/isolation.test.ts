import { afterEach, describe, expect, it } from 'vitest'
import { deferred, withTimeout } from '../../src/core/async.js'
import { bound } from '../helpers/bounds.js'
import { allKnowEachOther, Nets, until } from './helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

describe('networks with different ids on one transport', () => {
  it('never exchange catalog entries or channel traffic', async () => {
    const fast = { announceIntervalMs: 150, announceJitter: 0.2 }
    const red1 = await nets.create({ network: 'red', discovery: fast })
    const blue = await nets.create({ network: 'blue', discovery: fast, bootstrap: red1.addresses() })
    const red2 = await nets.create({ network: 'red', discovery: fast, bootstrap: red1.addresses() })
    expect(red1.protocol('catalog')).not.toBe(blue.protocol('catalog'))
    expect(red1.discovery.topic).not.toBe(blue.discovery.topic)

    // The same channel name on both networks: blue must not reach red's handler.
    const redGotTraffic = deferred<void>()
    red1.handle('echo', (ch) => {
      redGotTraffic.resolve()
      ch.onMessage((m) => ch.send(m))
    })
    blue.handle('echo', () => {})
    await until([red1, blue], 'blue to connect to red at the libp2p level', () =>
      blue.connectedPeers().includes(red1.peerId),
    )
    await expect(blue.openChannel(red1.peerId, 'echo', { retry: { attempts: 1 } })).rejects.toThrow()

    // Let several announce periods pass, measured by the versions of red2's entry red1 hears.
    // (A refreshed entry raises no event: red1's catalog is looked at every 10 ms.)
    const versions = new Set<number>()
    const enough = deferred<void>()
    const look = setInterval(() => {
      const v = red1.discovery.catalog().get(red2.peerId)?.updatedAt
      if (v !== undefined) versions.add(v)
      if (versions.size >= 5) enough.resolve()
    }, 10)
    await withTimeout(enough.promise, bound(8_000), 'five announces from red2').finally(() => clearInterval(look))

    await until([red1, red2], 'the red peers to know each other', () => allKnowEachOther([red1, red2]))
    expect([...red1.discovery.catalog().keys()]).toEqual([red2.peerId])
    expect(red2.discovery.catalog().has(blue.peerId)).toBe(false)
    expect(blue.discovery.catalog().size).toBe(0)
    expect(red1.discovery.rejected()['wrong-network']).toBeUndefined()
    let settled = false
    void redGotTraffic.promise.then(() => {
      settled = true
    })
    await Promise.resolve()
    expect(settled).toBe(false)
  })
})
