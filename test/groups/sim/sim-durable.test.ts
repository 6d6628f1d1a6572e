import { describe, expect, it } from 'vitest'
import { driverScenario } from './driver/scenarios.js'
import { simulateDriver } from './driver/simulation.js'
import { driverSweep } from './driver/sweep.js'

/** What the persistence checks (driver/persist-ledger.ts) report when a restart forgot what its member sent. */
const FORGOTTEN = /restarted with its log ending at|restarted at term \d+ after sending|vote forgotten/

/**
 * Durability under the real driver: members keep their log in the real `DurableStorage` on a
 * journal whose writes become durable only after a seeded delay, as IndexedDB's do, and a
 * crash loses every write not yet durable (driver/durable-store.ts). Replay a seed with
 * `npm run sim -- --driver --scenario <name> --seed <n>`.
 */
describe('driver simulator: durable stores that commit late, and crashes that lose what was not durable', () => {
  it('is deterministic: one seed replays to the same run, writes lost in crashes included', async () => {
    const a = await simulateDriver(driverScenario('durable-strict'), 7)
    const b = await simulateDriver(driverScenario('durable-strict'), 7)
    expect(b).toEqual(a)
    expect(a.durable?.checkedRestarts).toBeGreaterThan(0)
  })

  it('strict mode: linearizable, nothing acknowledged lost, terms, votes and acknowledged entries survive restarts', async () => {
    const run = await driverSweep('durable-strict', 1, 8)
    expect(run.failures, run.report).toEqual([])
    expect(run.results.filter((r) => r.linearizability === 'ok').length).toBeGreaterThan(4)
    expect(run.results.reduce((n, r) => n + r.acks, 0)).toBeGreaterThan(200)
    // The crashes really lost writes that were not durable yet, and restarts came back from disk.
    expect(run.results.reduce((n, r) => n + (r.durable?.lostWrites ?? 0), 0)).toBeGreaterThan(0)
    expect(run.results.reduce((n, r) => n + (r.durable?.checkedRestarts ?? 0), 0)).toBeGreaterThan(20)
  })

  it('default mode: converges after every crash-restart, and restarts keep their terms and votes', async () => {
    const run = await driverSweep('durable-default', 1, 5)
    expect(run.failures, run.report).toEqual([])
    expect(run.results.reduce((n, r) => n + (r.durable?.lostWrites ?? 0), 0)).toBeGreaterThan(0)
    expect(run.results.reduce((n, r) => n + (r.durable?.checkedRestarts ?? 0), 0)).toBeGreaterThan(10)
  })

  it('catches the planted bug: a Ready outbox that sends before the write is durable', async () => {
    const run = await driverSweep('durable-strict-send-early', 1, 12)
    const caught = run.failures.filter((r) => FORGOTTEN.test(r.error ?? ''))
    console.log(`send-before-durable caught on ${caught.length} of ${run.results.length} seeds`)
    expect(caught.length).toBeGreaterThanOrEqual(5)
    expect(run.failures.every((r) => r.replay.includes('--driver --scenario durable-strict-send-early'))).toBe(true)
  })
})
