/**
 * # Snapshot sync
 *
 * How a late joiner or laggard catches up when the entries it misses were compacted
 * (mosaik's `SnapshotSync`):
 *
 * 1. the laggard sends `request` to the leader (`session.ts`);
 * 2. the leader replicates a `snap` entry naming the laggard (`coordinator.ts`);
 * 3. every member that commits it holds its state at that index for `snapshotTtl` and
 *    sends an `offer` (`provider.ts`);
 * 4. the laggard fetches batches of `fetchBatchSize` items from every member that offered,
 *    one request in flight per member, each bounded by `fetchTimeout`;
 * 5. it installs the items, fast-forwards the core to the snapshot index, replays the
 *    AppendEntries it buffered, and rejoins the quorum.
 *
 * A member about to lead (default mode) that finds a bonded member applied more than its
 * log holds does not ask a leader: it sends `pull` to the most advanced members, which
 * hold their state at their applied index and offer it; steps 4 and 5 follow as above,
 * and only then does it stand (`member/catch-up.ts`). Observers keep the full state,
 * so readers can hand it to a new writer.
 *
 * @example
 * ```ts
 * const session = new SyncSession(host, minIndex, (result) => install(result))
 * session.request()
 * ```
 */
export { SnapshotSync, type SyncDriver } from './coordinator.js'
export type { SyncHost } from './host.js'
export { describeSyncMessage, isSyncMessage, type SyncMessage } from './messages.js'
export { SnapshotProvider } from './provider.js'
export { type FetchedSnapshot, SyncSession } from './session.js'
