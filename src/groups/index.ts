/**
 * # Groups
 *
 * A group is a set of peers that replicate one state machine by Raft (docs/ARCHITECTURE.md
 * "Groups"). Its id is derived from the group key, the consensus settings, the state
 * machine's `signature()` and the sync settings: peers that differ in any of them land
 * in different groups and never see each other.
 *
 * | part            | file                | mosaik                          |
 * | --------------- | ------------------- | ------------------------------- |
 * | public API      | types.ts            | `Group<M>`, `StateMachine`, `When` |
 * | driver          | group.ts, member/   | group worker                    |
 * | bonds           | bond/               | `Bonds`, `BondWorker`, heartbeat |
 * | snapshot sync   | sync/               | `SnapshotSync` (collections)    |
 * | consensus core  | raft/               | `raft` (pure here)              |
 *
 * Members keep a full mesh of bonds (one stream per pair on `/mosaik/<net>/groups/3`,
 * opened by a nonce + keyed-blake3 proof handshake). Writes go to the leader (followers
 * forward them); `execute` resolves once the local replica applied the command. A late
 * joiner or laggard whose missing entries were compacted catches up by snapshot from
 * several members in parallel. `StateMachine.catchUp` sets how soon that is: `replay`
 * (default) keeps a tail of recent entries to replay, `snapshot` (collections) keeps only
 * a 64-entry tail (so a diverged member still meets the conflict and reports `reverted`),
 * so a late member gets the state, not the history.
 *
 * Consistency: by default availability comes first (mosaik): a partitioned minority may
 * elect its own leader and commit; after heal the higher term wins and a replica whose
 * committed state moved back reports it on `when.reverted()`. Set `consensus.minVoters`
 * to `n` for strict mode: elections and commits need `floor(n/2)+1` granted votes.
 *
 * Access (issue #11, mosaik `require_ticket`): `requireTicket` validators admit a peer only
 * while its discovery entry holds a valid ticket for each (checked in the handshake, again
 * on every entry update and at expiry: `ticket-gate.ts`, `bond/grants.ts`); `writeAuth`
 * validators decide who may vote, lead and write. Roles are granted, not declared: frames
 * an observer's role may not send are dropped and counted (`bond/admission.ts`). Both
 * lists enter the group id.
 *
 * @example
 * ```ts
 * import { UniqueId } from 'mosaik-react/core'
 * import type { StateMachine } from 'mosaik-react/core'
 *
 * type Cmd = { add: number }
 * class Counter implements StateMachine<Cmd, 'value', number, number> {
 *   value = 0
 *   signature() { return UniqueId.from('example.counter.v1') }
 *   apply(c: Cmd) { this.value += c.add }
 *   query() { return this.value }
 *   createSnapshot() { const v = this.value; return { length: 1, range: () => [v] } }
 *   installSnapshot(items: readonly number[]) { this.value = items[0] ?? 0 }
 * }
 *
 * const group = network.groups.join({ key: 'my-counter', stateMachine: new Counter() })
 * await group.when.online()
 * const version = await group.execute({ add: 1 })        // applied locally at `version`
 * const { result } = await group.query('value', 'strong') // linearizable read
 * group.subscribe(() => console.log(group.getSnapshot())) // role, leader, online, applied …
 * await group.leave()
 * ```
 */
export type { ConsensusConfig, SyncConfig } from './config.js'
export { DEFAULT_CONSENSUS, DEFAULT_SYNC } from './config.js'
export { DurableStorage } from './durable-storage.js'
export { GroupError, type GroupErrorKind } from './errors.js'
export { consensusDigest, deriveGroupId, syncSignature } from './group-id.js'
export { Groups } from './groups.js'
export { MAX_CALL_COMMANDS } from './raft-config.js'
export { MemoryStorage, type PersistedState, type Storage } from './storage.js'
export type * from './types.js'
