import { afterEach, describe, expect, it } from 'vitest'
import { Cell } from '../../src/collections/index.js'
import { PROTOCOL_VERSIONS } from '../../src/network/network.js'
import { Nets } from './helpers.js'

describe('protocol ids carry their wire version', () => {
  const nets = new Nets()
  afterEach(() => nets.stopAll())

  it('names groups at version 3 (raft frames without from/to, packed commands) and every other protocol at 1', async () => {
    const net = await nets.create()
    const short = net.protocol('groups').split('/')[2]
    expect(net.protocol('groups')).toBe(`/mosaik/${short}/groups/3`)
    expect(net.protocol('discovery')).toBe(`/mosaik/${short}/discovery/1`)
    expect(PROTOCOL_VERSIONS).toEqual({ groups: 3 })
  })

  it('registers the groups handler under version 3 only, so a peer of an older version is refused at negotiation', async () => {
    const net = await nets.create()
    // Opening a group registers the handler all groups share.
    const cell = Cell.writer<number>(net, 'protocol-versions')
    const ids = net.libp2p.getProtocols().filter((p) => p.includes('/groups/'))
    expect(ids.length).toBeGreaterThan(0)
    for (const id of ids) expect(id.endsWith('/groups/3')).toBe(true)
    await cell.close()
  })
})
