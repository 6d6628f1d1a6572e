import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import { UniqueId } from '../../../src/core/id.js'
import { GROUPS_PRE_AUTH_BYTES } from '../../../src/groups/bond/bonds.js'
import { bondProof, initiateHandshake, PROVEN_PRE_AUTH_BYTES } from '../../../src/groups/bond/handshake.js'
import { Inbox } from '../../../src/groups/bond/inbox.js'
import { Timers } from '../../../src/groups/timers.js'
import { budgetedChannel, chunkOf } from '../../network/fed-stream.js'

const GROUP = UniqueId.from('budget-group')
const KEY = UniqueId.from('the-key').hashed()
const NONCE_I = new Uint8Array(32).fill(1)
const NONCE_A = new Uint8Array(32).fill(2)
const timers = new Timers(new ManualClock())

/** Our side as `Bonds` dials: an initiator over a channel with the groups' pre-auth budget, fed by hand. */
function initiator() {
  const { ch, ...s } = budgetedChannel(GROUPS_PRE_AUTH_BYTES, 'peer-acceptor', 'peer-initiator')
  const inbox = new Inbox(ch)
  const done = initiateHandshake(ch, inbox, {
    groupId: GROUP,
    keyHash: KEY,
    local: 'peer-initiator',
    timers,
    timeoutMs: 5_000,
    nonce: NONCE_I,
  })
  done.catch(() => {})
  return { ...s, ch, inbox, done }
}

const acceptorProof = () => bondProof(KEY, GROUP, 'peer-initiator', 'peer-acceptor', NONCE_I, NONCE_A, 'acceptor')

/** An acceptor's welcome listing `members` bonds (peer ids of 52 characters, as libp2p's are). */
function welcome(members: number) {
  const bonds = Array.from({ length: members }, (_, i) => `12D3KooW${String(i).padStart(44, 'x')}`)
  return { type: 'welcome', preference: 'normal', bonds }
}

/** The challenge, then (once our proof went out) one chunk: what the acceptor sends after its proof checks. */
async function answer(h: ReturnType<typeof initiator>, afterChallenge: readonly unknown[]): Promise<void> {
  h.feed(chunkOf([{ type: 'challenge', nonce: NONCE_A }]))
  await new Promise((r) => setImmediate(r))
  h.feed(chunkOf(afterChallenge))
}

describe('the initiator’s pre-auth budget', () => {
  it('takes a proven acceptor’s welcome of a large group from the chunk that carries its proof', async () => {
    const h = initiator()
    // 1,000 bonds: about 54 KB, past the 16 KiB budget, in the same chunk as the proof.
    await answer(h, [{ type: 'proof', proof: acceptorProof() }, welcome(1_000)])
    await expect(h.done).resolves.toBeUndefined()
    expect(h.rejected).toEqual([])
    expect(h.ch.isClosed).toBe(false)
    const [w] = h.inbox.release() as Array<{ type: string; bonds: string[] }>
    expect(w?.type).toBe('welcome')
    expect(w?.bonds).toHaveLength(1_000)
  })

  it('raises nothing for a wrong proof: the rest of its chunk is refused', async () => {
    const h = initiator()
    await answer(h, [{ type: 'proof', proof: new Uint8Array(32) }, welcome(1_000)])
    await expect(h.done).rejects.toMatchObject({ reason: 'bad-proof' })
    expect(h.rejected).toMatchObject([{ reason: 'oversized' }])
    expect(h.ch.closeInfo).toMatchObject({ reason: 'oversized' })
  })

  it('still bounds a proven acceptor until the ticket check ends', async () => {
    const h = initiator()
    const past = GROUPS_PRE_AUTH_BYTES + PROVEN_PRE_AUTH_BYTES
    // Frames of 64 KiB (well under the frame limit), as many as it takes to pass both budgets.
    const frames = Array.from({ length: Math.ceil(past / 65_536) + 1 }, () => new Uint8Array(65_536))
    await answer(h, [{ type: 'proof', proof: acceptorProof() }, ...frames])
    await expect(h.done).resolves.toBeUndefined()
    expect(h.rejected).toMatchObject([{ reason: 'oversized', detail: expect.stringContaining('pre-handshake') }])
    // What it did take: the proof and the frames within both budgets, no more.
    expect(h.inbox.release().length).toBeLessThanOrEqual(Math.floor(past / 65_536))
    expect(h.ch.closeInfo).toMatchObject({ reason: 'oversized' })
  })
})
