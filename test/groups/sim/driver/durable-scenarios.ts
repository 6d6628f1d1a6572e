import type { DriverScenario } from './scenarios.js'

/**
 * Durability: every member keeps its log in the real `DurableStorage` on a journal whose writes
 * become durable only after a seeded delay (durable-store.ts), and crashes (no partitions, so
 * most faults are crashes) lose every write not yet durable; every crashed member restarts from
 * its store. No late joiner or leader departure: the faults are the crash-restarts.
 */
const durable = {
  sizes: [3, 5],
  chaosMs: 20_000,
  calmMs: 20_000,
  partitions: false,
  resetChance: 0.002,
  crashes: true,
  lateJoiner: false,
  leaderDeparture: false,
  startupStallMs: 0,
  hostile: false,
  divergenceTail: 64,
  durable: true,
  keepStores: true,
} as const

export const durableScenarios: Record<string, DriverScenario> = {
  /** Strict mode, crash-restarts on late-committing stores: linearizable, no acknowledged write lost, votes kept. */
  'durable-strict': { ...durable, name: 'durable-strict', strict: true },
  /** Default mode on the same stores: converges, terms and votes survive restarts. */
  'durable-default': { ...durable, name: 'durable-default', strict: false },
  /** The planted bug: the Ready outbox sends (and applies, and answers) before the write is durable. */
  'durable-strict-send-early': {
    ...durable,
    name: 'durable-strict-send-early',
    strict: true,
    plant: 'send-before-durable',
  },
  /**
   * Strict on the same stores, but one crash per run comes back as a fresh identity (an empty
   * log) as in `strict`: shows committed entries overwritten (README, "What the driver simulator found").
   */
  'durable-strict-fresh': { ...durable, name: 'durable-strict-fresh', strict: true, keepStores: false },
}
