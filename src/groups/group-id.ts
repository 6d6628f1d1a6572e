import { type IdLike, UniqueId } from '../core/id.js'
import type { TicketValidator } from '../tickets/validator.js'
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
 * state-machine signature, the sync signature and each `requireTicket` validator's
 * signature in order. `writeAuth` validators (ours; mosaik has no write tickets) follow
 * behind a marker, so a validator required to write differs from one required to join.
 * Without validators the id is mosaik's. Any difference gives another group.
 */
export function deriveGroupId(
  key: IdLike,
  consensus: ConsensusConfig,
  stateMachineSignature: UniqueId,
  sync: SyncConfig,
  auth: readonly TicketValidator[] = [],
  writeAuth: readonly TicketValidator[] = [],
): UniqueId {
  let id = UniqueId.from(key)
    .hashed()
    .derive(consensusDigest(consensus))
    .derive(stateMachineSignature)
    .derive(syncSignature(sync))
  for (const v of auth) id = id.derive(v.signature())
  if (writeAuth.length > 0) id = id.derive('mosaik-react.write-auth')
  for (const v of writeAuth) id = id.derive(v.signature())
  return id
}
