/**
 * A hostile test peer that speaks the raw bond protocol: it proves the group key (anyone
 * who knows a cell's store id can), says what role it likes in its `welcome`, answers pings
 * so the bond stays up, and sends whatever frames a test hands it.
 */
import { SystemClock } from '../../../src/core/clock.js'
import { type IdLike, type PeerId, UniqueId } from '../../../src/core/id.js'
import { GROUPS_PROTOCOL } from '../../../src/groups/bond/bonds.js'
import { initiateHandshake } from '../../../src/groups/bond/handshake.js'
import { Inbox } from '../../../src/groups/bond/inbox.js'
import type { BondMessage } from '../../../src/groups/bond/messages.js'
import type { LeadershipPreference } from '../../../src/groups/raft/types.js'
import { Timers } from '../../../src/groups/timers.js'
import type { Network } from '../../../src/network/network.js'
import type { Channel } from '../../../src/network/types.js'

export interface RawBond {
  readonly local: PeerId
  readonly remote: PeerId
  /** Frames received after the handshake (pings are answered, not listed). */
  readonly received: unknown[]
  send(frame: BondMessage | Record<string, unknown>): boolean
  close(): void
}

/** Bonds `net` to `remote` in the group `groupId` whose key is `key`, declaring `preference`. */
export async function rawBond(
  net: Network,
  remote: PeerId,
  groupId: UniqueId,
  key: IdLike,
  preference: LeadershipPreference,
  applied?: number,
): Promise<RawBond> {
  const timers = new Timers(new SystemClock())
  const channel: Channel = await net.openChannel(remote, GROUPS_PROTOCOL)
  const inbox = new Inbox(channel)
  await initiateHandshake(channel, inbox, {
    groupId,
    keyHash: UniqueId.from(key).hashed(),
    local: net.peerId,
    timers,
    timeoutMs: 5_000,
  })
  const received: unknown[] = inbox.release()
  channel.onMessage((m) => {
    const frame = m as { type?: string; seq?: number }
    if (frame.type === 'ping') channel.send({ type: 'pong', seq: frame.seq })
    else received.push(m)
  })
  channel.send({ type: 'welcome', preference, bonds: [], ...(applied === undefined ? {} : { applied }) })
  return {
    local: net.peerId,
    remote,
    received,
    send: (frame) => channel.send(frame),
    close: () => {
      timers.clear()
      channel.close('departure')
    },
  }
}
