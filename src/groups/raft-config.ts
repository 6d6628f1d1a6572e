import type { ConsensusConfig } from './config.js'
import type { LeadershipPreference, RaftConfig } from './raft/types.js'

/** Largest number of entries one AppendEntries carries. */
export const MAX_ENTRIES_PER_APPEND = 1000

/** The driver's tick: fine enough for every timing in `c`, at most 50 ms. */
export function tickMs(c: ConsensusConfig): number {
  return Math.max(5, Math.min(50, Math.floor(c.heartbeatInterval / 10)))
}

/**
 * Converts the millisecond settings of `ConsensusConfig` to the ticks of the pure core:
 * election timeout `electionTimeout` plus up to a quarter of it as jitter (2 s + 500 ms by
 * default, as mosaik), leader heartbeat every `heartbeatInterval`, first election after
 * `bootstrapDelay`, reluctant members wait one more election timeout.
 */
export function raftConfig(id: string, preference: LeadershipPreference, c: ConsensusConfig): RaftConfig {
  const t = tickMs(c)
  const electionTicks = Math.max(2, Math.round(c.electionTimeout / t))
  return {
    id,
    preference,
    electionTicks,
    electionJitterTicks: Math.max(1, Math.round(c.electionTimeout / 4 / t)),
    heartbeatTicks: Math.max(1, Math.round(c.heartbeatInterval / t)),
    bootstrapTicks: Math.max(0, Math.round(c.bootstrapDelay / t)),
    reluctantExtraTicks: electionTicks,
    ...(c.minVoters > 0 ? { minVoters: c.minVoters } : {}),
    maxEntriesPerAppend: MAX_ENTRIES_PER_APPEND,
    rng: Math.random,
  }
}
