import { describe, expect, it } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import {
  authorizePeer,
  createTicket,
  decodeTicket,
  EdDsa,
  Es256,
  Es384,
  Expiration,
  encodeTicket,
  Hs256,
  Hs384,
  Hs512,
  InvalidTicket,
  Jwt,
  JwtTicketBuilder,
  MAX_TICKET_BYTES,
  TicketCache,
  ticketId,
} from '../../src/tickets/index.js'

const SECRET = '87e50edd90e2f9d53a7f2a9bd51c1069a454b827f0e1002577c54e1c2a598568'
const OTHER = 'aa'.repeat(32)
const PEER = '12D3KooWExamplePeerAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(InvalidTicket)
  return (err as InvalidTicket).reason
}

describe('tickets', () => {
  it('derives a ticket id from class and data, and round-trips the wire form', () => {
    const t = createTicket('my-app.auth', 'credential')
    expect(ticketId(t).equals(UniqueId.from('my-app.auth').derive(new TextEncoder().encode('credential')))).toBe(true)
    const back = decodeTicket(encodeTicket(t))
    expect(back && ticketId(back).equals(ticketId(t))).toBe(true)
    expect(decodeTicket(new Uint8Array([0xff, 0x00]))).toBeUndefined()
    expect(decodeTicket(new Uint8Array(MAX_TICKET_BYTES + 1))).toBeUndefined()
  })

  it('orders expirations with never as the latest', () => {
    const soon = Expiration.at(1_000)
    const later = Expiration.at(2_000)
    expect(Expiration.earliest(Expiration.never(), soon)).toBe(soon)
    expect(Expiration.earliest(later, soon)).toBe(soon)
    expect(Expiration.latest(later, soon)).toBe(later)
    expect(Expiration.isExpired(soon, 1_000)).toBe(true)
    expect(Expiration.isExpired(Expiration.never())).toBe(false)
    expect(Expiration.remaining(Expiration.in(500, 0), 100)).toBe(400)
  })
})

describe('Jwt', () => {
  const key = Hs256.fromSecret(SECRET)
  const builder = new JwtTicketBuilder(key).issuer('my-app')
  const validator = Jwt.withKey(key).allowIssuer('my-app')

  it('accepts a ticket issued for the peer and reports its expiry', async () => {
    const expires = Expiration.at(Math.floor(Date.now() / 1000) * 1000 + 3_600_000)
    const ticket = await builder.build(PEER, expires)
    expect(ticket.class.equals(Jwt.CLASS)).toBe(true)
    const got = await validator.validate(ticket.data, PEER)
    expect(got).toEqual(expires)
  })

  it('refuses expired, wrong-issuer, wrong-audience, wrong-subject, wrong-signature and malformed tickets', async () => {
    const expired = await builder.build(PEER, Expiration.alreadyExpired())
    expect(await refusal(validator.validate(expired.data, PEER))).toBe('expired')
    const other = await new JwtTicketBuilder(key).issuer('intruder').build(PEER)
    expect(await refusal(validator.validate(other.data, PEER))).toBe('wrong-issuer')
    const aud = await builder.audience('streams').build(PEER)
    expect(await refusal(validator.allowAudience('cells').validate(aud.data, PEER))).toBe('wrong-audience')
    expect(await refusal(validator.validate((await builder.build(PEER)).data, `${PEER}x`))).toBe('wrong-subject')
    const forged = await new JwtTicketBuilder(Hs256.fromSecret(OTHER)).issuer('my-app').build(PEER)
    expect(await refusal(validator.validate(forged.data, PEER))).toBe('bad-signature')
    for (const junk of ['', 'a.b.c', 'not a jwt', '\u0000\u0001'])
      expect(await refusal(validator.validate(new TextEncoder().encode(junk), PEER))).toBe('malformed')
    expect(await refusal(validator.validate(new Uint8Array([0xff, 0xfe, 0xfd]), PEER))).toBe('malformed')
    expect(await refusal(validator.validate(new Uint8Array(64 * 1024), PEER))).toBe('malformed')
  })

  it('refuses a token without exp unless non-expiring tokens are allowed', async () => {
    const forever = await builder.build(PEER, Expiration.never())
    await expect(validator.validate(forever.data, PEER)).rejects.toBeInstanceOf(InvalidTicket)
    expect(await validator.allowNonExpiring().validate(forever.data, PEER)).toEqual(Expiration.never())
  })

  it('refuses an alg=none token and a token signed with another algorithm', async () => {
    const header = btoa(JSON.stringify({ alg: 'none' })).replace(/=+$/, '')
    const body = btoa(JSON.stringify({ sub: PEER, iss: 'my-app', exp: 9_999_999_999 })).replace(/=+$/, '')
    expect(await refusal(validator.validate(new TextEncoder().encode(`${header}.${body}.`), PEER))).toBe(
      'bad-signature',
    )
    const hs384 = await new JwtTicketBuilder(Hs384.fromSecret('bb'.repeat(48))).issuer('my-app').build(PEER)
    expect(await refusal(validator.validate(hs384.data, PEER))).toBe('bad-signature')
  })

  it('checks required claims, max lifetime and max age', async () => {
    const t = await builder.claim('role', 'writer').build(PEER, Expiration.in(10 * 60_000))
    await expect(validator.requireClaim('role', 'writer').validate(t.data, PEER)).resolves.toBeDefined()
    expect(await refusal(validator.requireClaim('role', 'admin').validate(t.data, PEER))).toBe('claims')
    expect(await refusal(validator.maxLifetime(60_000).validate(t.data, PEER))).toBe('claims')
    const old = await builder.issuedAt(Date.now() - 3_600_000).build(PEER)
    expect(await refusal(validator.maxAge(60_000).validate(old.data, PEER))).toBe('expired')
  })

  it('refuses a ticket that is not valid yet', async () => {
    const t = await builder.notBefore(Date.now() + 60_000).build(PEER)
    expect(await refusal(validator.validate(t.data, PEER))).toBe('not-yet-valid')
  })

  it('accepts any of several keys (rotation)', async () => {
    const next = Hs256.fromSecret(OTHER)
    const t = await new JwtTicketBuilder(next).issuer('my-app').build(PEER)
    await expect(validator.addKey(next).validate(t.data, PEER)).resolves.toBeDefined()
  })

  it('issues and verifies HS384, HS512, ES256, ES384 and EdDSA tickets', async () => {
    const hs384 = Hs384.fromSecret('cc'.repeat(48))
    const hs512 = Hs512.fromSecret('dd'.repeat(64))
    const pairs = await Promise.all([Es256.generate(), Es384.generate(), EdDsa.generate()])
    for (const [signing, verifying] of [
      [hs384, hs384],
      [hs512, hs512],
      ...pairs.map((p) => [p.signing, p.verifying] as const),
    ] as const) {
      const t = await new JwtTicketBuilder(signing).build(PEER)
      await expect(Jwt.withKey(verifying).validate(t.data, PEER)).resolves.toMatchObject({ kind: 'at' })
    }
    // A validator configured elsewhere from the public JWK alone accepts the same tickets.
    const es = pairs[0]
    const remote = Jwt.withKey(await Es256.fromPublicJwk(es.publicJwk))
    const t = await new JwtTicketBuilder(es.signing).build(PEER)
    await expect(remote.validate(t.data, PEER)).resolves.toMatchObject({ kind: 'at' })
    expect(remote.signature().equals(Jwt.withKey(es.verifying).signature())).toBe(true)
    // ...and a different key pair's tickets are refused.
    const stranger = await new JwtTicketBuilder(pairs[0].signing).build(PEER)
    const otherPair = await Es256.generate()
    expect(await refusal(Jwt.withKey(otherPair.verifying).validate(stranger.data, PEER))).toBe('bad-signature')
  })

  it('refuses HMAC secrets shorter than the hash', () => {
    expect(() => Hs256.fromSecret('ab'.repeat(16))).toThrow(RangeError)
    expect(() => Hs512.fromSecret(SECRET)).toThrow(RangeError)
    expect(() => Hs256.fromSecret('not hex at all')).toThrow(TypeError)
  })

  it('derives a signature from the whole configuration, deterministically', () => {
    const a = Jwt.withKey(Hs256.fromSecret(SECRET)).allowIssuer('my-app')
    const b = Jwt.withKey(Hs256.fromSecret(SECRET)).allowIssuer('my-app')
    expect(a.signature().equals(b.signature())).toBe(true)
    const variants = [
      Jwt.withKey(Hs256.fromSecret(OTHER)).allowIssuer('my-app'),
      a.allowIssuer('other'),
      a.allowAudience('cells'),
      a.requireSubject('alice'),
      a.requireClaim('role', 'writer'),
      a.allowNonExpiring(),
      a.maxLifetime(60_000),
      a.maxAge(60_000),
      a.addKey(Hs256.fromSecret(OTHER)),
    ]
    const sigs = new Set([a, ...variants].map((v) => v.signature().toString()))
    expect(sigs.size).toBe(variants.length + 1)
    // Builders never change the receiver.
    expect(a.signature().equals(b.signature())).toBe(true)
  })
})

describe('authorizePeer', () => {
  const key = Hs256.fromSecret(SECRET)
  const validator = Jwt.withKey(key).allowIssuer('my-app')
  const builder = new JwtTicketBuilder(key).issuer('my-app')

  it('grants until the earliest expiry across validators, using the longest ticket of each', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000
    const short = await builder.build(PEER, Expiration.at(now + 60_000))
    const long = await builder.build(PEER, Expiration.at(now + 120_000))
    const audValidator = Jwt.withKey(key).allowIssuer('my-app').allowAudience('cells')
    const aud = await builder.audience('cells').build(PEER, Expiration.at(now + 90_000))
    const r = await authorizePeer(PEER, [short, long, aud].map(encodeTicket), [validator, audValidator])
    expect(r).toEqual({ ok: true, expires: Expiration.at(now + 90_000) })
  })

  it('refuses a peer without a ticket, with only malformed ones, or with only invalid ones', async () => {
    expect(await authorizePeer(PEER, [], [validator])).toMatchObject({ ok: false, reason: 'missing' })
    expect(await authorizePeer(PEER, [new Uint8Array([1, 2, 3])], [validator])).toMatchObject({
      ok: false,
      reason: 'malformed',
    })
    const expired = await builder.build(PEER, Expiration.alreadyExpired())
    expect(await authorizePeer(PEER, [encodeTicket(expired)], [validator])).toMatchObject({
      ok: false,
      reason: 'expired',
    })
    const stolen = await builder.build('12D3KooWSomeoneElse')
    expect(await authorizePeer(PEER, [encodeTicket(stolen)], [validator])).toMatchObject({
      ok: false,
      reason: 'wrong-subject',
    })
    expect(await authorizePeer(PEER, [], [])).toEqual({ ok: true, expires: Expiration.never() })
  })

  it('caches a grant until it expires and counts a validator that throws as a refusal', async () => {
    let calls = 0
    let now = 1_000_000
    const counting = {
      class: Jwt.CLASS,
      signature: () => UniqueId.from('counting'),
      validate: async () => {
        calls++
        return Expiration.at(now + 1_000)
      },
    }
    const cache = new TicketCache(() => now)
    const t = encodeTicket(createTicket(Jwt.CLASS, 'x'))
    await authorizePeer(PEER, [t], [counting], cache)
    await authorizePeer(PEER, [t], [counting], cache)
    expect(calls).toBe(1)
    now += 2_000
    await authorizePeer(PEER, [t], [counting], cache)
    expect(calls).toBe(2)
    const throwing = {
      ...counting,
      signature: () => UniqueId.from('throwing'),
      validate: () => Promise.reject(new Error('boom')),
    }
    expect(await authorizePeer(PEER, [t], [throwing], cache)).toMatchObject({ ok: false, reason: 'malformed' })
  })
})
