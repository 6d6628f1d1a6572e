import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { CellReader, GroupWhen, StateMachine, When } from '../../src/core.js'
import * as core from '../../src/core.js'
import * as main from '../../src/index.js'
import * as node from '../../src/node.js'

const SRC = join(import.meta.dirname, '..', '..', 'src')

// `mosaik-react/core` is the one import of custom state machines as of collections: the
// group API must come from it, without shadowing the Cell names.

describe('the mosaik-react/core entry point', () => {
  it('exports the public group API next to the collections', () => {
    expect(core.Groups).toBeTypeOf('function')
    expect(core.GroupError).toBeTypeOf('function')
    expect(core.MemoryStorage).toBeTypeOf('function')
    expect(core.deriveGroupId).toBeTypeOf('function')
    expect(core.DEFAULT_CONSENSUS.bootstrapDelay).toBe(3000)
    expect(core.Cell).toBeTypeOf('function')
    expect(core.defineCell).toBeTypeOf('function')
  })

  it("keeps `When` the Cell's and names the group's `GroupWhen`", () => {
    expectTypeOf<CellReader<number>['when']>().toEqualTypeOf<When>()
    expectTypeOf<core.Group<unknown>['when']>().toEqualTypeOf<GroupWhen>()
    expectTypeOf<StateMachine<unknown>['catchUp']>().toEqualTypeOf<core.CatchUp | undefined>()
  })

  it('gives every network its groups (wired in Network, no prototype patching)', async () => {
    const net = await core.Network.create({ network: `entry-${core.UniqueId.random().short()}`, transport: 'memory' })
    try {
      expect(net.groups).toBeInstanceOf(core.Groups)
    } finally {
      await net.stop()
    }
  })

  it('keeps internals internal: framing, dial plans, libp2p options, discovery plumbing', () => {
    for (const name of [
      'FrameDecoder',
      'encodeFrame',
      'dialPlan',
      'libp2pOptions',
      'loadKey',
      'transportConfig',
      'StreamChannel',
      'createDiscovery',
      'signEntry',
      'verifyEntry',
      'Catalog',
      'PeerDialer',
      'withTimeout',
    ])
      expect(Object.keys(core), name).not.toContain(name)
  })

  it('mosaik-react exports everything mosaik-react/core does, and the relay stays in mosaik-react/node', () => {
    expect(Object.keys(core).filter((k) => !(k in main))).toEqual([])
    expect(Object.keys(node).sort()).toEqual(['main', 'startRelay'])
    expect('startRelay' in main).toBe(false)
  })

  it('every entry point lists its names (no export *)', () => {
    for (const entry of ['index.ts', 'core.ts', 'devtools.ts', 'node.ts', 'devtools/production.ts'])
      expect(readFileSync(join(SRC, entry), 'utf8'), entry).not.toMatch(/export (type )?\*/)
  })
})
