/**
 * # Bonds
 *
 * The full mesh of authenticated links between the members of a group (mosaik `Bonds`).
 * One libp2p stream per pair, on the network's one groups protocol
 * (`/mosaik/<net>/groups/3`); the first frame names the group.
 *
 * | step        | frames                                   | file          |
 * | ----------- | ---------------------------------------- | ------------- |
 * | handshake   | `hello` → `challenge` → `proof` ⇄ `proof` | handshake.ts  |
 * | admission   | one bond per pair, smaller opener wins   | bonds.ts      |
 * | steady      | `welcome`, ping/pong, raft, sync         | bond.ts       |
 * | liveness    | `maxMissedHeartbeats` silent periods     | heartbeat.ts  |
 * | topology    | `bondFormed` gossip                      | mesh.ts       |
 *
 * A proof is `keyed-blake3(key.hashed(), groupId ‖ initiator ‖ acceptor ‖ nonceI ‖ nonceA ‖ role)`:
 * it proves the key without sending it and cannot be replayed in another session. A wrong
 * proof, an unknown group, a duplicate bond or a malformed frame closes only that stream
 * with a reason (`input.rejected`); nothing is thrown into app code.
 *
 * @example
 * ```ts
 * const proof = bondProof(key.hashed(), groupId, initiator, acceptor, nonceI, nonceA, 'initiator')
 * ```
 */
export { Bond } from './bond.js'
export { Bonds, GROUPS_PROTOCOL } from './bonds.js'
export { acceptHandshake, bondProof, initiateHandshake } from './handshake.js'
export { Heartbeat } from './heartbeat.js'
export { BondFailure, Inbox } from './inbox.js'
export { Mesh } from './mesh.js'
export type { BondMessage, HandshakeFrame } from './messages.js'
