import { afterEach, describe, expect, it, vi } from 'vitest'
import { encode } from '../../src/core/codec.js'
import { Applier } from '../../src/groups/applier.js'
import type { LogCommand } from '../../src/groups/log-command.js'
import type { Entry } from '../../src/groups/raft/types.js'
import { Counter, type CounterCmd } from './helpers/counter.js'

const entry = (index: number, b: Uint8Array): Entry<LogCommand> => ({ index, term: 1, command: { t: 'cmd', b } })
const garbage = Uint8Array.of(0xff)

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the applier', () => {
  it('skips undecodable entries, logging the first with its error and counting the rest in one line', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const sm = new Counter()
    const committed: [number, number][] = []
    const applier = new Applier<CounterCmd>(sm, 'g', 0, {
      snapshotAt: () => {},
      tagged: () => {},
      committed: (version, count) => committed.push([version, count]),
    })
    const good = encode({ k: 'a', by: 2 })
    applier.apply([entry(1, good), ...[2, 3, 4, 5, 6].map((i) => entry(i, garbage)), entry(7, good)])
    expect(sm.query('total')).toBe(4)
    expect(applier.applied).toBe(7)
    expect(committed).toEqual([[7, 2]])
    expect(logged).toHaveBeenCalledTimes(2)
    expect(String(logged.mock.calls[0]?.[0])).toContain('skips undecodable entry 2')
    expect(String(logged.mock.calls[1]?.[0])).toContain('skipped 4 more undecodable entries, to 6')
    // A lone one: its own line, no count.
    applier.apply([entry(8, garbage)])
    expect(logged).toHaveBeenCalledTimes(3)
    expect(applier.applied).toBe(8)
  })
})
