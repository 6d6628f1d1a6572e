import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import { UniqueId } from '../../../src/core/id.js'
import { acceptHandshake, bondProof, initiateHandshake } from '../../../src/groups/bond/handshake.js'
import { BondFailure, Inbox } from '../../../src/groups/bond/inbox.js'
import { parseHandshakeFrame } from '../../../src/groups/bond/messages.js'
import { Timers } from '../../../src/groups/timers.js'
import { type FakeChannel, FakeHub } from '../helpers/fake-network.js'

const GROUP = UniqueId.from('handshake-group')
const KEY = UniqueId.from('the-key').hashed()
const timers = new Timers(new ManualClock())

function params(local: string, keyHash = KEY, nonce?: Uint8Array) {
  return { groupId: GROUP, keyHash, local, timers, timeoutMs: 5_000, ...(nonce ? { nonce } : {}) }
}

/** A channel pair a → b on the groups protocol. */
async function pair(): Promise<{ a: FakeChannel; b: FakeChannel }> {
  const hub = new FakeHub()
  const na = hub.node('peer-a')
  const nb = hub.node('peer-b')
  let b: FakeChannel | undefined
  nb.handle('groups', (c) => {
    b = c as FakeChannel
  })
  const a = (await na.openChannel('peer-b', 'groups')) as FakeChannel
  await Promise.resolve()
  return { a, b: b as FakeChannel }
}

/** The acceptor's half: read hello, then run the rest. Resolves/rejects like `acceptHandshake`. */
async function accept(b: FakeChannel, keyHash = KEY, admit: () => void = () => {}): Promise<void> {
  const inbox = new Inbox(b)
  const hello = parseHandshakeFrame(await inbox.next(timers, 5_000, 'hello'))
  if (hello?.type !== 'hello') throw new Error('no hello')
  try {
    await acceptHandshake(b, inbox, hello.nonce, params('peer-b', keyHash), admit)
  } catch (err) {
    if (err instanceof BondFailure && err.reason !== 'closed') b.reject(err.reason as never, err.message)
    throw err
  }
}

async function initiate(a: FakeChannel, keyHash = KEY, nonce?: Uint8Array): Promise<void> {
  const inbox = new Inbox(a)
  try {
    await initiateHandshake(a, inbox, params('peer-a', keyHash, nonce))
  } catch (err) {
    if (err instanceof BondFailure && err.reason !== 'closed') a.reject(err.reason as never, err.message)
    throw err
  }
}

describe('the bond handshake', () => {
  it('completes when both sides prove the same group key', async () => {
    const { a, b } = await pair()
    await expect(Promise.all([initiate(a), accept(b)])).resolves.toBeDefined()
    expect(a.isClosed || b.isClosed).toBe(false)
    expect(a.sent.map((f) => (f as { type: string }).type)).toEqual(['hello', 'proof'])
    expect(b.sent.map((f) => (f as { type: string }).type)).toEqual(['challenge', 'proof'])
  })

  it('binds the proof to the group, both peers, both nonces and the role', () => {
    const n1 = new Uint8Array(32).fill(1)
    const n2 = new Uint8Array(32).fill(2)
    const base = bondProof(KEY, GROUP, 'a', 'b', n1, n2, 'initiator')
    expect(bondProof(KEY, GROUP, 'a', 'b', n1, n2, 'acceptor')).not.toEqual(base)
    expect(bondProof(KEY, GROUP, 'b', 'a', n1, n2, 'initiator')).not.toEqual(base)
    expect(bondProof(KEY, GROUP, 'a', 'b', n2, n1, 'initiator')).not.toEqual(base)
    expect(bondProof(KEY, UniqueId.from('other'), 'a', 'b', n1, n2, 'initiator')).not.toEqual(base)
    expect(bondProof(UniqueId.from('k2'), GROUP, 'a', 'b', n1, n2, 'initiator')).not.toEqual(base)
    expect(bondProof(KEY, GROUP, 'a', 'b', n1, n2, 'initiator')).toEqual(base)
  })

  it('refuses an initiator with the wrong key before sending anything about the group', async () => {
    const { a, b } = await pair()
    const wrong = UniqueId.from('not-the-key').hashed()
    const results = await Promise.allSettled([initiate(a, wrong), accept(b)])
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { reason: 'bad-proof' } })
    expect(results[0].status).toBe('rejected')
    expect(b.closeInfo).toMatchObject({ by: 'local', reason: 'bad-proof' })
    // The acceptor sent only its challenge: no proof, no welcome, no state.
    expect(b.sent.map((f) => (f as { type: string }).type)).toEqual(['challenge'])
  })

  it('refuses an acceptor that cannot prove the key', async () => {
    const { a, b } = await pair()
    const wrong = UniqueId.from('not-the-key').hashed()
    const results = await Promise.allSettled([initiate(a), accept(b, wrong)])
    // The acceptor with the wrong key refuses the initiator's (valid) proof: neither side bonds.
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { reason: 'bad-proof' } })
    expect(results[0].status).toBe('rejected')
  })

  it('refuses a proof replayed from another session', async () => {
    // Session 1: an honest exchange that an eavesdropper records.
    const s1 = await pair()
    const nonce = new Uint8Array(32).fill(7)
    await Promise.all([initiate(s1.a, KEY, nonce), accept(s1.b)])
    const recorded = s1.a.sent.find((f) => (f as { type: string }).type === 'proof') as { proof: Uint8Array }

    // Session 2: the eavesdropper (no key) replays hello with the same nonce and the recorded proof.
    const s2 = await pair()
    const acceptor = accept(s2.b)
    const inbox = new Inbox(s2.a)
    s2.a.send({ type: 'hello', group: GROUP.bytes, nonce })
    const challenge = parseHandshakeFrame(await inbox.next(timers, 5_000, 'challenge'))
    expect(challenge?.type).toBe('challenge')
    s2.a.send({ type: 'proof', proof: recorded.proof })
    await expect(acceptor).rejects.toMatchObject({ reason: 'bad-proof' })
    expect(s2.b.closeInfo).toMatchObject({ reason: 'bad-proof' })
  })

  it('lets the acceptor refuse a duplicate bond after the proof and before its own', async () => {
    const { a, b } = await pair()
    const results = await Promise.allSettled([
      initiate(a),
      accept(b, KEY, () => {
        throw new BondFailure('duplicate-bond', 'already bonded')
      }),
    ])
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { reason: 'duplicate-bond' } })
    expect(b.sent.map((f) => (f as { type: string }).type)).toEqual(['challenge'])
    expect(results[0].status).toBe('rejected')
  })

  it('fails with a timeout when the peer goes silent', async () => {
    const clock = new ManualClock()
    const t = new Timers(clock)
    const { a } = await pair()
    const p = initiateHandshake(a, new Inbox(a), {
      groupId: GROUP,
      keyHash: KEY,
      local: 'peer-a',
      timers: t,
      timeoutMs: 100,
    })
    clock.advance(101)
    await expect(p).rejects.toMatchObject({ reason: 'timeout' })
    expect(t.size).toBe(0)
  })
})
