/** Group configuration: consensus timings and snapshot sync. Both are part of the group id. */

/** Consensus timings and mode; every field is part of the group id (peers must agree). */
export interface ConsensusConfig {
  /** Leader heartbeat period, ms (default 500; up to 150 ms jitter is subtracted). */
  heartbeatInterval: number
  /** Follower election timeout, ms (default 2000; up to 500 ms jitter is added). */
  electionTimeout: number
  /** Wait before the first election, ms (default 3000; skipped when every other member found is a bonded observer). */
  bootstrapDelay: number
  /** Missed heartbeats before a bond is considered down (default 10). */
  maxMissedHeartbeats: number
  /** Strict mode: elections and commits need floor(minVoters/2)+1 granted votes (0 = default, availability first). */
  minVoters: number
}

/** Snapshot sync settings (mosaik's SyncConfig); part of the group id. */
export interface SyncConfig {
  /** Items per fetched batch (default 2000). */
  fetchBatchSize: number
  /** How long peers keep a snapshot for fetchers, ms (default 10 000). */
  snapshotTtl: number
  /** How long a laggard waits for the snapshot to be taken, ms (default 15 000). */
  snapshotRequestTimeout: number
  /** How long one batch fetch may take, ms (default 5 000). */
  fetchTimeout: number
}

export const DEFAULT_CONSENSUS: Readonly<ConsensusConfig> = Object.freeze({
  heartbeatInterval: 500,
  electionTimeout: 2000,
  bootstrapDelay: 3000,
  maxMissedHeartbeats: 10,
  minVoters: 0,
})

export const DEFAULT_SYNC: Readonly<SyncConfig> = Object.freeze({
  fetchBatchSize: 2000,
  snapshotTtl: 10_000,
  snapshotRequestTimeout: 15_000,
  fetchTimeout: 5_000,
})
