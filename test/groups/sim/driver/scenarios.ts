import { durableScenarios } from './durable-scenarios.js'

/** One driver-simulator scenario: what the cluster is and what goes wrong. */
export interface DriverScenario {
  readonly name: string
  /** `consensus.minVoters` set to the most voters alive at once (commits need a majority of them). */
  readonly strict: boolean
  /** Writers at start; each seed picks one. */
  readonly sizes: readonly number[]
  /** Virtual ms of clients and faults; then everything heals and the cluster must converge within `calmMs`. */
  readonly chaosMs: number
  readonly calmMs: number
  readonly partitions: boolean
  /** Chance that a frame breaks its stream (the connection drops) instead of arriving. */
  readonly resetChance: number
  readonly crashes: boolean
  /** A member that joins mid-run and must catch up by snapshot. */
  readonly lateJoiner: boolean
  /** The leader leaves gracefully mid-run; a fresh member takes its place later. */
  readonly leaderDeparture: boolean
  /** Members start unable to reach each other (slow discovery, a stalled startup) for up to this long. */
  readonly startupStallMs: number
  /** A writer that offers forged snapshots above the leader's commit to every bonded member. */
  readonly hostile: boolean
  /**
   * Entries the register keeps behind its applied point (`StateMachine.divergenceTail`). Small
   * tails make late members install snapshots (and rollbacks found by an install, not by log
   * matching: README, "What the driver simulator found"); `default` keeps the driver's 64.
   */
  readonly divergenceTail: number
  /** Plants a driver bug (see src/groups/sync/plants.ts, src/groups/plants.ts). */
  readonly plant?: 'unvouched-offers' | 'send-before-durable'
  /** Members keep their log in the real `DurableStorage` on a journal that commits late (durable-store.ts). */
  readonly durable?: boolean
  /** Every crashed member restarts from its store (none comes back as a fresh identity). */
  readonly keepStores?: boolean
}

const base = {
  sizes: [3, 5],
  chaosMs: 12_000,
  calmMs: 25_000,
  partitions: true,
  resetChance: 0.002,
  crashes: true,
  lateJoiner: true,
  leaderDeparture: true,
  startupStallMs: 0,
  hostile: false,
  divergenceTail: 2,
} as const

export const driverScenarios: Record<string, DriverScenario> = {
  /** mosaik's mode: partitions, crashes (with and without storage), a late joiner, a leader that leaves. */
  default: { ...base, name: 'default', strict: false, divergenceTail: 64 },
  /** Default mode with a 2-entry tail: a write lost in a split is found by an install, and must still be reported `reverted`. */
  'default-short-tail': { ...base, name: 'default-short-tail', strict: false },
  /** Strict mode under the same faults: linearizable, nothing acknowledged is ever lost. */
  strict: { ...base, name: 'strict', strict: true, divergenceTail: 64 },
  /** Strict with a 2-entry tail: laggards need snapshots, whose `snap` entry may need the laggards' votes. */
  'strict-short-tail': { ...base, name: 'strict-short-tail', strict: true },
  /** Startup stall: members cannot reach each other for up to 2 s after they start. */
  'startup-stall': {
    ...base,
    name: 'startup-stall',
    strict: false,
    startupStallMs: 2_000,
    leaderDeparture: false,
    divergenceTail: 64,
  },
  'strict-startup-stall': {
    ...base,
    name: 'strict-startup-stall',
    strict: true,
    startupStallMs: 2_000,
    leaderDeparture: false,
    divergenceTail: 64,
  },
  /** A hostile writer offers forged snapshots: the real driver must refuse every one. */
  'strict-hostile': { ...base, name: 'strict-hostile', strict: true, hostile: true, partitions: false },
  /** The same with the planted bug: snapshots offered above the leader's commit are installed. */
  'strict-hostile-unvouched': {
    ...base,
    name: 'strict-hostile-unvouched',
    strict: true,
    hostile: true,
    partitions: false,
    plant: 'unvouched-offers',
  },
  ...durableScenarios,
}

export function driverScenario(name: string): DriverScenario {
  const s = driverScenarios[name]
  if (!s) throw new Error(`unknown driver scenario ${name} (known: ${Object.keys(driverScenarios).join(', ')})`)
  return s
}

export function driverReplay(name: string, seed: number): string {
  return `npm run sim -- --driver --scenario ${name} --seed ${seed}`
}
