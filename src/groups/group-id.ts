import { type IdLike, UniqueId } from '../core/id.js'
import type { ConsensusConfig, SyncConfig } from './config.js'

function u64le(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(n))), true)
  return out
}

/** Digest of every consensus setting, in field order; part of the group id (mosaik `ConsensusConfig::digest`). */
export function consensusDigest(c: ConsensusConfig): UniqueId {
  return UniqueId.from('mosaik_groups_consensus_config')
    .derive(u64le(c.heartbeatInterval))
    .derive(u64le(c.electionTimeout))
    .derive(u64le(c.bootstrapDelay))
    .derive(u64le(c.maxMissedHeartbeats))
    .derive(u64le(c.minVoters))
}

/** Signature of the snapshot sync settings (mosaik `SnapshotSync::signature`, minus the Rust type name). */
export function syncSignature(s: SyncConfig): UniqueId {
  return UniqueId.from('mosaik_collections_snapshot_sync')
    .derive(u64le(s.fetchBatchSize))
    .derive(u64le(s.snapshotTtl))
    .derive(u64le(s.snapshotRequestTimeout))
    .derive(u64le(s.fetchTimeout))
}

/**
 * The group id, as mosaik derives it: `key.hashed()` then the consensus digest, the
 * state-machine signature and the sync signature. Any difference gives another group.
 */
export function deriveGroupId(
  key: IdLike,
  consensus: ConsensusConfig,
  stateMachineSignature: UniqueId,
  sync: SyncConfig,
): UniqueId {
  return UniqueId.from(key)
    .hashed()
    .derive(consensusDigest(consensus))
    .derive(stateMachineSignature)
    .derive(syncSignature(sync))
}
