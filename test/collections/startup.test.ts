import { describe, expect, it } from 'vitest'
import { type StartupOutcome, startupTrial } from './startup.js'

// Issue #16: writers that open together, each page holding the thread for 100 ms after its
// open (React rendering), used to elect themselves one each in term 1 and merge in term 3,
// rolling back acknowledged writes. `npm run trials` runs 100 of each and prints the counts.
const RUNS = 5

function summary(outcomes: StartupOutcome[]) {
  return {
    split: outcomes.filter((o) => o.leaders !== 1).length,
    reverts: outcomes.reduce((n, o) => n + o.reverts, 0),
    lost: outcomes.reduce((n, o) => n + o.lost, 0),
    acknowledged: outcomes.reduce((n, o) => n + o.acknowledged, 0),
  }
}

describe('writers that open together (100 ms render stall per open, default timings)', () => {
  it('3 writers and 2 readers form one group with one leader, no revert and every write kept', async () => {
    const outcomes: StartupOutcome[] = []
    for (let i = 0; i < RUNS; i++) outcomes.push(await startupTrial({ writers: 3, readers: 2, stallMs: 100 }))
    expect(summary(outcomes)).toEqual({ split: 0, reverts: 0, lost: 0, acknowledged: 3 * RUNS })
  }, 120_000)

  it('5 writers form one group with one leader, no revert and every write kept', async () => {
    const outcomes: StartupOutcome[] = []
    for (let i = 0; i < RUNS; i++) outcomes.push(await startupTrial({ writers: 5, readers: 0, stallMs: 100 }))
    expect(summary(outcomes)).toEqual({ split: 0, reverts: 0, lost: 0, acknowledged: 5 * RUNS })
  }, 120_000)

  it('3 writers whose networks exchanged catalogs before any cell opened re-check them and form one group', async () => {
    // Each sees the others as members and leaves it to the election timer: story timings keep it short.
    const consensus = { heartbeatInterval: 200, electionTimeout: 1000, bootstrapDelay: 500 }
    const outcomes: StartupOutcome[] = []
    for (let i = 0; i < 3; i++)
      outcomes.push(await startupTrial({ writers: 3, readers: 0, stallMs: 100, openAfterConnect: true, consensus }))
    expect(summary(outcomes)).toEqual({ split: 0, reverts: 0, lost: 0, acknowledged: 3 * 3 })
  }, 120_000)
})
