/**
 * # The Raft core
 *
 * A pure state machine in the shape of etcd-io/raft: inputs go in (`tick`, `step`, `propose`,
 * `readIndex`, `peerUp`/`peerDown`), one `Ready` batch comes out, `advance` acknowledges it. No
 * timers, clocks, randomness (`config.rng`), promises or network: the group driver owns those,
 * and the simulator in test/groups/sim drives the same core deterministically.
 *
 * | mosaik behaviour kept          | where                                                     |
 * | ------------------------------ | --------------------------------------------------------- |
 * | granted / denied / abstained   | vote.ts: lagging members (default mode), observers abstain |
 * | lagging leaves the denominator | state.ts `committee`, candidate.ts `maybeWin`             |
 * | normal / reluctant / observer  | state.ts `resetElectionTimer`, raft.ts `tick`             |
 * | no nextIndex / matchIndex      | follower reports `lastIndex`; leader.ts `resumeAt`        |
 * | bootstrap delay                | state.ts `resetElectionTimer` (term 0 only)               |
 * | rival leader, same term        | raft.ts `step`: new election with a higher term           |
 * | forwarded commands and reads   | client.ts, reads.ts (Raft §8 ReadIndex)                   |
 * | default vs strict consistency  | quorum.ts; `reverted` from state.ts `truncateLog`         |
 * | check-quorum (strict only)     | leader.ts `leaderTick`/`quorumActive` (Raft §6.2)         |
 * | snapshot sync hooks            | `needsSnapshot`, `installSnapshot`, `compact`             |
 *
 * Two additions keep default mode convergent: entries carry their leader's tag (`Entry.leader`),
 * because two partitioned leaders, or a member that lost its disk, can lead the same term number;
 * and a heartbeat drops a follower's tail that no current leader holds.
 *
 * Consistency. Default mode (mosaik) puts availability first: the quorum is a majority of the
 * voting members this member is connected to, so a partitioned minority can elect a leader and
 * commit. When the partition heals the higher term wins, every replica converges on its log, and
 * a replica whose committed entries were overwritten reports `Ready.reverted` (the index it moved
 * back to). Strict mode (`minVoters: n`) needs floor(n/2)+1 granted votes for every election and
 * commit, whatever the committee: a minority stalls, commits never move back, and reads through
 * `readIndex` are linearizable (Raft §8). Strict mode assumes votes and logs survive restarts.
 * A strict leader that has not heard from a quorum within one election timeout (`electionTicks`)
 * steps down (check-quorum, Raft §6.2): it stops claiming leadership, so the driver reports it
 * offline, and its pending reads fail `steppedDown`. Default mode needs no such check: the
 * driver's `peerDown` shrinks the committee instead, and a minority leader is allowed.
 *
 * Each `Ready` is handled in order: persist `truncateFrom`/`entries`/`hardState`, then send
 * `messages`, then roll back if `reverted`, apply `committed`, answer `proposals`/`readStates`,
 * start snapshot sync on `needsSnapshot`; then call `advance()`.
 *
 * @example
 * ```ts
 * const raft = createRaft<Uint8Array>(
 *   { id: 'a', preference: 'normal', electionTicks: 10, electionJitterTicks: 10, heartbeatTicks: 2,
 *     bootstrapTicks: 5, reluctantExtraTicks: 10, maxEntriesPerAppend: 64, rng: seededRng(1) },
 *   undefined,
 *   { noop: new Uint8Array() },
 * )
 * raft.peerUp('b', 'normal')
 * every(tickMs, () => raft.tick())
 * onMessage((m) => raft.step(m))
 * while (raft.hasReady()) {
 *   const ready = raft.ready()
 *   await storage.save(ready.truncateFrom, ready.entries, ready.hardState)
 *   for (const m of ready.messages) bonds.send(m.to, m)
 *   if (ready.reverted !== undefined) await resyncStateMachine(ready.reverted)
 *   for (const e of ready.committed) if (!e.noop) machine.apply(e.command)
 *   raft.advance()
 * }
 * ```
 */
export { describe } from './describe.js'
export { MAX_INDEX, MAX_TERM, MAX_TERM_JUMP } from './limits.js'
export { createRaft } from './raft.js'
export { StrictModeViolation } from './state.js'
export type * from './types.js'
