import { describe, expect, expectTypeOf, it } from 'vitest'
import type { CellReader, GroupWhen, StateMachine, When } from '../../src/core.js'
import * as core from '../../src/core.js'

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
})
