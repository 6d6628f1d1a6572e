import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Network } from '../../src/network/network.js'
import { issueJwtTicket, jwtTicketHandler } from '../../src/node/index.js'
import { createTicket, Expiration, Jwt } from '../../src/tickets/index.js'
import { builder, ISSUER, SECRET, validator } from '../collections/auth-helpers.js'
import { Nets, until } from '../network/helpers.js'

const nets = new Nets()
let server: Server | undefined
afterEach(async () => {
  await nets.stopAll()
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = undefined
})

describe('issuing tickets on a backend', () => {
  it('issueJwtTicket signs a ticket the validator accepts, expiring after ttl', async () => {
    const net = await nets.create()
    const before = Date.now()
    const { token, expires } = await issueJwtTicket({ secret: SECRET, issuer: ISSUER, peerId: net.peerId, ttl: 60_000 })
    const got = await validator.validate(new TextEncoder().encode(token), net.peerId)
    expect(got).toEqual(Expiration.at(expires))
    expect(expires.getTime()).toBeGreaterThan(before + 58_000)
    await expect(issueJwtTicket({ secret: SECRET, issuer: ISSUER, peerId: 'nope', ttl: 1 })).rejects.toThrow()
  })

  it('jwtTicketHandler answers a JWT for an authorized peer and refuses the rest', async () => {
    const net = await nets.create()
    server = createServer(
      jwtTicketHandler({
        secret: SECRET,
        issuer: ISSUER,
        ttl: 60_000,
        authorize: (req) => (req.headers.authorization === 'Bearer ok' ? { role: 'writer' } : false),
      }),
    )
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const ok = await fetch(`${base}/ticket?peer=${net.peerId}`, { headers: { authorization: 'Bearer ok' } })
    expect(ok.status).toBe(200)
    const token = await ok.text()
    await expect(
      validator.requireClaim('role', 'writer').validate(new TextEncoder().encode(token), net.peerId),
    ).resolves.toMatchObject({ kind: 'at' })
    expect((await fetch(`${base}/ticket?peer=${net.peerId}`)).status).toBe(403)
    expect((await fetch(`${base}/ticket?peer=not-a-peer`, { headers: { authorization: 'Bearer ok' } })).status).toBe(
      400,
    )
    expect((await fetch(`${base}/ticket?peer=${net.peerId}`, { method: 'POST' })).status).toBe(405)
  })
})

describe('a discovery node that requires tickets (the relay option)', () => {
  it('refuses and counts announces of peers without a valid ticket, so members never learn of them through it', async () => {
    const relay = await Network.create({
      network: 'gated',
      transport: 'memory',
      discovery: { dialPeers: false, requireTicket: [validator] },
    })
    nets.all.push(relay)
    const member = await Network.create({ network: 'gated', transport: 'memory' })
    nets.all.push(member)
    member.discovery.addTicket(await builder.build(member.peerId))
    await member.dial(relay.addresses())
    await until([relay, member], 'the relay to admit the member', () => relay.discovery.catalog().has(member.peerId))

    // Dials nobody else, so it can only be found through the relay.
    const outsider = await Network.create({
      network: 'gated',
      transport: 'memory',
      discovery: { dialPeers: false },
    })
    nets.all.push(outsider)
    outsider.discovery.addTicket(createTicket(Jwt.CLASS, 'forged'))
    await outsider.dial(relay.addresses())
    await until(
      [relay, outsider],
      'the relay to refuse the outsider',
      () => (relay.discovery.rejected().unauthorized ?? 0) >= 2,
    )
    expect(relay.discovery.catalog().has(outsider.peerId)).toBe(false)
    expect(member.discovery.catalog().has(outsider.peerId)).toBe(false)
  })
})
