import { peerIdFromString } from '@libp2p/peer-id'
import { deferred, withTimeout } from '../../../src/core/async.js'
import { type PeerId, toId, UniqueId } from '../../../src/core/id.js'
import { bondProof } from '../../../src/groups/bond/handshake.js'
import type { Network } from '../../../src/network/network.js'
import type { Channel } from '../../../src/network/types.js'
import { bound } from '../../helpers/bounds.js'

/** What an attacker holding the group key sees on its bond: every frame, in order. */
export interface HostileBond {
  readonly channel: Channel
  readonly received: unknown[]
  /** Resolves with the next frame matching `pick` (bounded, saying what it waited for). */
  next(what: string, pick: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  readonly closed: Promise<unknown>
  /** Resolves when the victim drops the bond; bounded, saying what it waited for. */
  dropped(): Promise<unknown>
}

/**
 * Bonds with `victim` as a member of the group would (it knows the key: without tickets that
 * is all it takes), speaking the frames itself, then sends `welcome`. Answers pings so the
 * bond stays up; everything else is the test's to send.
 */
export async function hostileBond(
  attacker: Network,
  victim: PeerId,
  groupId: string,
  key: string,
  welcome: Record<string, unknown> = {},
): Promise<HostileBond> {
  const channel = await attacker.openChannel(victim, 'groups')
  const received: unknown[] = []
  const waiters = new Set<{
    pick: (m: Record<string, unknown>) => boolean
    resolve: (m: Record<string, unknown>) => void
  }>()
  const closed = deferred<unknown>()
  channel.onClose((info) => closed.resolve(info))
  channel.onMessage((raw) => {
    const m = raw as Record<string, unknown>
    received.push(m)
    if (m.type === 'ping') channel.send({ type: 'pong', seq: m.seq })
    for (const w of [...waiters])
      if (w.pick(m)) {
        waiters.delete(w)
        w.resolve(m)
      }
  })
  const next = (what: string, pick: (m: Record<string, unknown>) => boolean) => {
    const found = (received as Record<string, unknown>[]).find(pick)
    if (found) return Promise.resolve(found)
    const d = deferred<Record<string, unknown>>()
    waiters.add({ pick, resolve: d.resolve })
    return withTimeout(d.promise, bound(10_000), what)
  }
  const group = UniqueId.from(groupId)
  const keyHash = toId(key).hashed()
  const nonceI = crypto.getRandomValues(new Uint8Array(32))
  channel.send({ type: 'hello', group: group.bytes, nonce: nonceI })
  const challenge = await next('the challenge', (m) => m.type === 'challenge')
  const nonceA = challenge.nonce as Uint8Array
  channel.send({
    type: 'proof',
    proof: bondProof(keyHash, group, attacker.peerId, victim, nonceI, nonceA, 'initiator'),
  })
  await next("the victim's proof", (m) => m.type === 'proof')
  channel.send({ type: 'welcome', preference: 'normal', bonds: [], ...welcome })
  await next("the victim's welcome", (m) => m.type === 'welcome')
  const dropped = () => withTimeout(closed.promise, bound(10_000), 'the victim to drop the bond')
  return { channel, received, next, closed: closed.promise, dropped }
}

/** A raw libp2p stream on the groups protocol: bytes go out unframed by us. */
export async function rawGroupsStream(attacker: Network, victim: PeerId) {
  return attacker.libp2p.dialProtocol(peerIdFromString(victim), attacker.protocol('groups'))
}
