/**
 * Consensus timings no test run could wait out (10 minutes each). A member that comes
 * online with them did not wait for its bootstrap delay or an election timeout: tests use
 * them to prove "does not wait" as an event (online before a bounded wait ends) instead of
 * a wall-clock limit, which a loaded machine breaks. Speed is measured by the benchmarks.
 */
export const NEVER_WAITED = { bootstrapDelay: 600_000, electionTimeout: 600_000 } as const

/** The bound on waiting for such a member: far below the timings, far above any load. */
export const ONLINE_BOUND_MS = 20_000
