import { blake3 } from '@noble/hashes/blake3.js'
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { bytesEqual } from '../../core/codec.js'
import type { PeerId, UniqueId } from '../../core/id.js'
import type { Channel } from '../../network/types.js'
import type { Timers } from '../timers.js'
import { BondFailure, type Inbox } from './inbox.js'
import { type HandshakeFrame, parseHandshakeFrame } from './messages.js'

/** Which side a proof speaks for. */
export type BondRole = 'initiator' | 'acceptor'

function peerBytes(p: PeerId): Uint8Array {
  const b = utf8ToBytes(p)
  // A length byte keeps `initiator || acceptor` unambiguous for variable-length ids.
  const out = new Uint8Array(1 + b.length)
  out[0] = b.length & 0xff
  out.set(b, 1)
  return out
}

/**
 * docs/ARCHITECTURE.md "Bonds and the handshake": `keyed-blake3(key.hashed(), groupId || initiator || acceptor ||
 * nonceI || nonceA || role)`. Both nonces bind the proof to this session (mosaik binds it
 * to the TLS session secret instead), so a proof replayed from another session fails.
 * Peer ids are prefixed with their byte length.
 */
export function bondProof(
  keyHash: UniqueId,
  groupId: UniqueId,
  initiator: PeerId,
  acceptor: PeerId,
  nonceI: Uint8Array,
  nonceA: Uint8Array,
  role: BondRole,
): Uint8Array {
  const h = blake3.create({ key: keyHash.bytes })
  h.update(groupId.bytes)
  h.update(peerBytes(initiator))
  h.update(peerBytes(acceptor))
  h.update(nonceI)
  h.update(nonceA)
  h.update(utf8ToBytes(role))
  return h.digest()
}

/**
 * What an acceptor that proved the group key may send before the initiator's ticket check
 * lifts the channel's pre-auth budget: its welcome (its bonds, about 54 bytes a member, so
 * this covers groups of many thousands) and the first frames of the group. Bounded, since a
 * member without a ticket has proven the key too.
 */
export const PROVEN_PRE_AUTH_BYTES = 1024 * 1024

/** What one side needs to run a handshake. */
export interface HandshakeParams {
  readonly groupId: UniqueId
  readonly keyHash: UniqueId
  readonly local: PeerId
  readonly timers: Timers
  readonly timeoutMs: number
  /** Fixed nonce for tests; random otherwise. */
  readonly nonce?: Uint8Array
}

async function expect<T extends HandshakeFrame['type']>(
  inbox: Inbox,
  p: HandshakeParams,
  type: T,
): Promise<Extract<HandshakeFrame, { type: T }>> {
  const raw = await inbox.next(p.timers, p.timeoutMs, `${type} frame`)
  const frame = parseHandshakeFrame(raw)
  if (!frame || frame.type !== type) throw new BondFailure('malformed', `expected a ${type} frame`)
  return frame as Extract<HandshakeFrame, { type: T }>
}

/**
 * Initiator side: hello → challenge → our proof → their proof. Resolves once the
 * acceptor's proof verified; throws `BondFailure` otherwise. `admit` runs after the
 * acceptor is proven and may throw `BondFailure('duplicate-bond')`.
 */
export async function initiateHandshake(channel: Channel, inbox: Inbox, p: HandshakeParams): Promise<void> {
  const nonceI = p.nonce ?? randomBytes(32)
  channel.send({ type: 'hello', group: p.groupId.bytes, nonce: nonceI })
  const { nonce: nonceA } = await expect(inbox, p, 'challenge')
  const remote = channel.remotePeer
  channel.send({ type: 'proof', proof: bondProof(p.keyHash, p.groupId, p.local, remote, nonceI, nonceA, 'initiator') })
  const want = bondProof(p.keyHash, p.groupId, p.local, remote, nonceI, nonceA, 'acceptor')
  // The acceptor's welcome follows its proof at once, often in the same transport chunk, and
  // lists its bonds (about 54 bytes a member): a proven acceptor gets `PROVEN_PRE_AUTH_BYTES`
  // more while our ticket check runs, checked as the proof arrives (before the chunk's rest).
  inbox.onArrival = (m) => {
    inbox.onArrival = undefined
    const frame = parseHandshakeFrame(m)
    if (frame?.type === 'proof' && bytesEqual(frame.proof, want)) channel.allowPreAuth?.(PROVEN_PRE_AUTH_BYTES)
  }
  try {
    const { proof } = await expect(inbox, p, 'proof')
    if (!bytesEqual(proof, want)) throw new BondFailure('bad-proof', 'the acceptor does not prove the group key')
  } finally {
    inbox.onArrival = undefined
  }
}

/**
 * Acceptor side, after the service routed the `hello` (carrying `nonceI`) to this group:
 * challenge → their proof → `admit()` (which may check tickets) → our proof. Nothing about
 * the group is sent before the initiator's proof verified and `admit` accepted the bond.
 */
export async function acceptHandshake(
  channel: Channel,
  inbox: Inbox,
  nonceI: Uint8Array,
  p: HandshakeParams,
  admit: () => void | Promise<void>,
): Promise<void> {
  const nonceA = p.nonce ?? randomBytes(32)
  channel.send({ type: 'challenge', nonce: nonceA })
  const { proof } = await expect(inbox, p, 'proof')
  const remote = channel.remotePeer
  const want = bondProof(p.keyHash, p.groupId, remote, p.local, nonceI, nonceA, 'initiator')
  if (!bytesEqual(proof, want)) throw new BondFailure('bad-proof', 'the initiator does not prove the group key')
  await admit()
  channel.send({ type: 'proof', proof: bondProof(p.keyHash, p.groupId, remote, p.local, nonceI, nonceA, 'acceptor') })
}
