import { afterEach, describe, expect, it } from 'vitest'
import { UniqueId } from '../../../src/core/id.js'
import '../../../src/groups/index.js'
import type { CatchUp } from '../../../src/groups/types.js'
import { allKnowEachOther, Nets, until } from '../../network/helpers.js'
import { Counter } from '../helpers/counter.js'
import { waitFor } from '../helpers/wait.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }

/** The test counter, declaring how late members catch up (part of its signature, as it should be). */
class CatchingUpCounter extends Counter {
  readonly catchUp: CatchUp
  constructor(catchUp: CatchUp) {
    super()
    this.catchUp = catchUp
  }
  override signature(): UniqueId {
    return UniqueId.from(`test.groups.counter.${this.catchUp}.v1`)
  }
}

const nets = new Nets()
afterEach(() => nets.stopAll())

/** `StateMachine.catchUp`: how a late member catches up, and how much log the group keeps. */
describe('catch-up mode', () => {
  for (const [mode, bySnapshot] of [
    ['snapshot', true],
    ['replay', false],
  ] as const) {
    it(`${mode}: a member joining 150 commands late ${bySnapshot ? 'installs a snapshot' : 'replays the log'}`, async () => {
      const a = await nets.create()
      const sa = new CatchingUpCounter(mode)
      const ga = a.groups.join({ key: `catch-up-${mode}`, stateMachine: sa, consensus: FAST })
      await ga.when.online()
      for (let i = 0; i < 150; i++) await ga.execute({ k: `k${i % 5}`, by: 1 })
      // Snapshot mode keeps a short tail (64) for divergence checks; replay mode keeps 512.
      const logLength = (ga as unknown as { logLength: number }).logLength
      if (bySnapshot) expect(logLength).toBeLessThanOrEqual(65)
      else expect(logLength).toBeGreaterThanOrEqual(150)

      const b = await nets.create({ bootstrap: a.addresses() })
      await until([a, b], 'the two networks to know each other', () => allKnowEachOther([a, b]))
      const sb = new CatchingUpCounter(mode)
      const gb = b.groups.join({ key: `catch-up-${mode}`, stateMachine: sb, consensus: FAST })
      await waitFor([gb], 'b to reach a', () => gb.committed() >= ga.committed() && gb.getSnapshot().online)
      expect(sb.query('total')).toBe(150)
      expect(sb.installs).toBe(bySnapshot ? 1 : 0)
      expect(sb.applied).toBe(bySnapshot ? 0 : 150)
    })
  }
})
