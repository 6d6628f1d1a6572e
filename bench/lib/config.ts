/** Consensus settings shared by benchmarks. */
import type { ConsensusConfig } from '../../src/groups/config.js'

/**
 * Default timings except a short bootstrap delay, so that forming each cluster does not
 * cost the default 3 s wait before the first election. It changes nothing once a leader
 * is elected (the steady-state figures), and keeps the suite within its time budget.
 */
export const QUICK_START: Partial<ConsensusConfig> = { bootstrapDelay: 100 }
