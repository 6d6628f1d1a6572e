import type { ConsensusConfig } from './config.js'
import type { LeadershipPreference, RaftConfig, RaftCore } from './raft/types.js'

/** Largest number of entries one AppendEntries carries. */
export const MAX_ENTRIES_PER_APPEND = 1000

/**
 * Most commands one call (`executeMany`, `feedMany`) may carry, and so one follower's forward:
 * as many as one AppendEntries carries. A leader appends a forward's commands as they come, so
 * without it a writer's one frame of 2-byte empty commands became 200,000 log entries on every
 * replica (hundreds of bytes of heap each) and held the leader for minutes.
 */
export const MAX_CALL_COMMANDS = MAX_ENTRIES_PER_APPEND

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
    // The driver announces a new commit on the next turn (`GroupMember`'s turn drain), so a
    // write that follows at once carries it in its own AppendEntries.
    deferCommitNotice: true,
    rng: Math.random,
  }
}

/**
 * Ticks a follower until its election timer runs out and it stands (or hears of a leader):
 * how the driver skips waiting when it knows there is nothing to wait for (a lone first
 * member, a leader that said `departure`). Bounded by the longest possible timeout.
 */
export function standNow(core: RaftCore<unknown>, c: RaftConfig): void {
  const max = c.bootstrapTicks + c.electionTicks + c.electionJitterTicks + c.reluctantExtraTicks + 2
  for (let i = 0; i < max; i++) {
    const s = core.status()
    if (s.role !== 'follower' || s.leader !== undefined) return
    core.tick()
  }
}
