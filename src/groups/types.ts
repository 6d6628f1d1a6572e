/**
 * The public types of replicated groups (mosaik's `StateMachine`, `Group`, `When`,
 * `Consistency`). Collections program against exactly these names; the driver in
 * `group.ts` implements them.
 */
import type { Clock } from '../core/clock.js'
import type { GroupId, IdLike, PeerId, UniqueId, Version } from '../core/id.js'
import type { TicketValidator } from '../tickets/validator.js'
import type { ConsensusConfig, SyncConfig } from './config.js'
import type { LeadershipPreference, LogIndex, Role, Term } from './raft/types.js'
import type { Reachability } from './reachability.js'
import type { Storage } from './storage.js'

export type { LeadershipPreference, LogIndex, Role, Term }

/** Where the state machine stands when `apply`/`applyBatch` runs. */
export interface ApplyContext {
  /** Term of the entries being applied (a batch never spans two terms). */
  readonly term: Term
  /** Log index of the first command of the call (`apply`: the command's own index). */
  readonly firstIndex: LogIndex
  /** Log index of the last command of the call; the replica's version once the call returns. */
  readonly lastIndex: LogIndex
}

/**
 * A point-in-time copy of a state machine, served in item batches to laggards
 * (mosaik's `Snapshot`). It must not change when the live state machine changes after
 * `createSnapshot()` (copy-on-write or an immutable structure makes this O(1)).
 */
export interface Snapshot<I> {
  /** Number of items. */
  readonly length: number
  /** Items in `[start, end)`, in a stable order. */
  range(start: number, end: number): I[]
}

/**
 * Application logic replicated by a group (mosaik's `StateMachine`). Every member applies
 * the same committed commands in the same order, so `apply` must be deterministic: no
 * clocks, no randomness, no I/O. Commands, queries' results and snapshot items must be
 * CBOR-encodable (`core/codec`).
 *
 * Implement `createSnapshot` and `installSnapshot` together to enable snapshot sync (late
 * joiners and laggards catch up from a snapshot instead of the full log, and the log is
 * compacted). Without them the log is kept whole and laggards replay it, and a replica
 * whose committed state moved back after a partition (default mode, `when.reverted`)
 * cannot rebuild its state: it keeps it and skips the re-delivered indices. `catchUp`
 * chooses how far behind a member must be before it gets a snapshot.
 */
export interface StateMachine<C, Q = never, R = never, I = unknown> {
  /**
   * Fingerprint of this state machine type and its configuration; part of the group id,
   * so members with different signatures never bond (mosaik `StateMachine::signature`).
   */
  signature(): UniqueId
  /** Applies one committed command. Called exactly once per committed command, in log order. */
  apply(command: C, ctx: ApplyContext): void
  /**
   * Applies consecutive committed commands in one call (default: `apply` for each). Override
   * to publish one change per batch. The batch's indices are `ctx.firstIndex..ctx.lastIndex`.
   */
  applyBatch?(commands: readonly C[], ctx: ApplyContext): void
  /** Reads the local state. Must not mutate it. */
  query(query: Q): R
  /** How eager this member is to lead; default `normal`. Observers never vote or lead. */
  leadershipPreference?(): LeadershipPreference
  /**
   * How a member that joins late or falls behind catches up (mosaik: the state machine's
   * `StateSync`); only with `createSnapshot`/`installSnapshot`, else always `replay`. Every
   * member of a group should declare the same (the `signature()` should cover it).
   *
   * - `replay` (default): the log keeps a tail of recent entries behind the applied point;
   *   a member fewer than that many entries behind replays them, one further behind
   *   installs a snapshot. Cheap for large states whose laggards are usually close.
   * - `snapshot` (mosaik's collections, `SnapshotSync`): the log is compacted up to the
   *   applied point (and what a held snapshot still needs), so a member that lacks any
   *   applied entry installs the current state by snapshot sync instead of replaying
   *   history. Suits small states (a cell's is one item); the log stays minimal.
   */
  readonly catchUp?: CatchUp
  /**
   * `catchUp: 'snapshot'` only: how many of the most recent applied entries the log keeps
   * behind the applied point (at most 64, the default). A state machine whose commands can
   * be large (a collection's `extend` of thousands of entries) answers fewer, so a late
   * member's catch-up stays proportional to the state, not to a tail of big entries.
   * Local: it only decides compaction, never what any replica applies.
   */
  divergenceTail?(): number
  /**
   * A faster form of the group's CBOR `encode` for this machine's commands (the caller's
   * side of `execute`/`feed`). It must return exactly the bytes `encode(command)` would, so
   * logs and peers never see a difference; throw `EncodingError` where `encode` would.
   */
  encodeCommand?(command: C): Uint8Array
  /**
   * A faster form of the group's CBOR `decode` for committed commands, run on every replica:
   * it must return what `decode(bytes)` would and throw where it would (a command that does
   * not decode is skipped and reported, the same way on every replica).
   */
  decodeCommand?(bytes: Uint8Array): C
  /** A point-in-time snapshot of the current state (see `Snapshot`). */
  createSnapshot?(): Snapshot<I>
  /** Replaces the whole state with the items of a snapshot fetched from peers. */
  installSnapshot?(items: readonly I[]): void
}

/** How a late or lagging member catches up: see `StateMachine.catchUp`. */
export type CatchUp = 'snapshot' | 'replay'

/** `weak`: local state, possibly stale; `strong`: linearizable (Raft §8 read index through the leader). */
export type Consistency = 'weak' | 'strong'

/** A query result with the local version it was read at (mosaik `QueryResultAt`). */
export interface QueryResultAt<R> {
  readonly result: R
  readonly at: Version
}

/** Indices assigned to a batch of commands (inclusive). */
export interface IndexRange {
  readonly first: Version
  readonly last: Version
}

/** Options of one `execute`/`feed`/`query` call. */
export interface CallOptions {
  /**
   * How long to wait for a leader (when offline) and, for `execute`, for the local commit,
   * ms. Default 10 000. `0` fails at once with `GroupError('offline')` when no leader is known.
   */
  readonly timeout?: number
  readonly signal?: AbortSignal
}

/** What `network.groups.join()` takes. */
export interface JoinOptions<C, Q, R, I> {
  /** The group secret; members must share it (proved in the bond handshake, never sent). */
  readonly key: IdLike
  readonly stateMachine: StateMachine<C, Q, R, I>
  /** Consensus timings; every field is part of the group id. */
  readonly consensus?: Partial<ConsensusConfig>
  /** Snapshot sync settings; part of the group id. */
  readonly sync?: Partial<SyncConfig>
  /** Overrides `stateMachine.leadershipPreference()`. */
  readonly preference?: LeadershipPreference
  /** Where term, vote and log are persisted; default a fresh in-memory store. */
  readonly storage?: Storage
  /** Timers; default the platform clock. Tests pass a `ManualClock`. */
  readonly clock?: Clock
  /**
   * mosaik `require_ticket`: a peer bonds only while its discovery entry holds a valid ticket
   * for every validator; the bond drops when the ticket expires or is removed. Part of the
   * group id.
   */
  readonly requireTicket?: readonly TicketValidator[]
  /**
   * Roles granted, not declared: only peers whose entry also holds valid tickets for these
   * may vote, lead or have a forwarded command applied; others are observers whatever they
   * declare. This member's own `execute`/`feed` reject `GroupError('unauthorized')` without
   * them. Part of the group id.
   */
  readonly writeAuth?: readonly TicketValidator[]
  /** Extra telemetry fields for collections (store id hex, collection kind). */
  readonly labels?: { readonly store?: string; readonly kind?: string }
}

/**
 * An immutable view of a member; keeps its identity until a field changes, so it can be
 * returned from `getSnapshot()` to `useSyncExternalStore`.
 */
export interface GroupState {
  readonly role: Role
  readonly term: Term
  readonly leader: PeerId | undefined
  /** A leader is known and reachable and this replica is not catching up. */
  readonly online: boolean
  /** Highest index known committed by the group (as far as this member knows). */
  readonly commit: Version
  /** Highest index applied to the local state machine: the replica's version. */
  readonly applied: Version
  /** True while a snapshot sync is installing state. */
  readonly syncing: boolean
  /** Members this one has a live bond with. */
  readonly bonds: readonly PeerId[]
}

/** Waits on a group member's state (mosaik `When`). Every promise rejects with `GroupError('closed')` on leave. */
export interface GroupWhen {
  /** Resolves at once if online. */
  online(): Promise<void>
  offline(): Promise<void>
  /** The next change of the applied version. */
  updated(): Promise<void>
  /** Resolves once the local replica applied `version`. */
  reaches(version: Version): Promise<void>
  /** Resolves with the leader once one is known (at once if already). */
  leaderElected(): Promise<PeerId>
  /** The next change of leader (to another peer or to none). */
  leaderChanged(): Promise<PeerId | undefined>
  /** Committed state moved back (default consistency mode); resolves with the version it moved back to. */
  reverted(): Promise<Version>
}

/**
 * A joined group: the one handle applications and collections use (mosaik `Group<M>`).
 * Nothing here throws synchronously; failures are rejected `GroupError`s.
 */
export interface Group<C, Q = never, R = never> {
  readonly id: GroupId
  readonly peerId: PeerId
  /** How eager this member is to lead; `setPreference` changes it. */
  readonly preference: LeadershipPreference
  readonly when: GroupWhen
  /**
   * Replicates one command; resolves with its index once the local replica applied it.
   * Waits up to `timeout` for a leader. Rejects `GroupError` `offline` (no leader, or the
   * entry was lost to a leader change), `encoding`, or `closed`.
   */
  execute(command: C, options?: CallOptions): Promise<Version>
  /** Like `execute` for several commands, kept in order and contiguous. */
  executeMany(commands: readonly C[], options?: CallOptions): Promise<IndexRange>
  /** Resolves once the leader assigned an index, without waiting for the commit. */
  feed(command: C, options?: CallOptions): Promise<Version>
  feedMany(commands: readonly C[], options?: CallOptions): Promise<IndexRange>
  /** Runs a query on the local state; `strong` first waits for the leader's commit point. */
  query(query: Q, consistency?: Consistency, options?: CallOptions): Promise<QueryResultAt<R>>
  isLeader(): boolean
  leader(): PeerId | undefined
  /** The local replica's version (highest applied index). */
  committed(): Version
  /** Calls `listener` after every change of `getSnapshot()`. */
  subscribe(listener: () => void): () => void
  getSnapshot(): GroupState
  /** Bonds between members as far as this member knows (including other pairs), `a < b`. */
  mesh(): ReadonlyArray<readonly [PeerId, PeerId]>
  /**
   * Changes this member's leadership preference while it stays in the group (an `observer`
   * that must now be able to lead becomes `normal`, and back). The member's bonded peers
   * are told at once, so their quorums count it (or stop counting it) as a voter; a leader
   * that becomes an `observer` steps down and the others elect a new one. No-op after leave.
   */
  setPreference(preference: LeadershipPreference): void
  /** What this member can reach of the group's voters now (why writes cannot commit). Optional for stand-ins. */
  reachability?(): Reachability
  /** Leaves gracefully (sends `departure`, closes bonds and timers). Idempotent. */
  leave(): Promise<void>
  readonly closed: boolean
}
