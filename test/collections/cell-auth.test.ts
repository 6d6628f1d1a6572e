import { describe, expect, it } from 'vitest'
import type { Cell } from '../../src/collections/index.js'
import { createTicket, Expiration, Hs256, Jwt, JwtTicketBuilder } from '../../src/tickets/index.js'
import { waitFor } from '../groups/helpers/wait.js'
import {
  builder,
  grant,
  groupOf,
  ISSUER,
  refusal,
  ticketsSeen,
  validator,
  writeBuilder,
  writeValidator,
} from './auth-helpers.js'
import { allOnline, allReach, freshStore, testScope, within } from './harness.js'

// mosaik tests/collections/auth.rs (cell_auth_tickets) and tests/groups/auth.rs, for Cell,
// over real libp2p networks on the memory transport.

describe('Cell with auth tickets', () => {
  it('replicates between an authorized writer and reader; an unauthorized reader never comes online and stays empty', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1, n2] = await scope.networksKnowingEachOther(3)
    await grant([n0!, n1!])
    await ticketsSeen([n0!, n1!, n2!])
    const store = freshStore()
    const w = scope.writer<number>(n0!, store, { auth: [validator] })
    const r = scope.reader<number>(n1!, store, { auth: [validator] })
    const outsider = scope.reader<number>(n2!, store, { auth: [validator] })
    const refused = refusal(n0!, n2!.peerId, 'missing')
    // The outsider's own devtools say why it stays offline.
    const selfRefused = refusal(n2!, n2!.peerId, 'missing')
    await allOnline(w, r)
    const v = await within(5, 'write(7)', w.write(7))
    await allReach(v, r)
    expect(r.read()).toBe(7)
    // The writer refused the outsider's bond (it holds no ticket), and still does after a write.
    expect((await within(10, 'the writer to refuse the outsider', refused)).detail).toMatch(/no ticket/)
    expect((await within(10, 'the outsider to report its own missing ticket', selfRefused)).detail).toMatch(/this peer/)
    const v2 = await w.write(8)
    await allReach(v2, r)
    expect(outsider.isEmpty()).toBe(true)
    expect(outsider.version()).toBe(0)
    expect(outsider.getSnapshot().online).toBe(false)
    expect(groupOf(outsider).getSnapshot().bonds).toEqual([])
    expect(groupOf(w).getSnapshot().bonds).toEqual([n1!.peerId])
  })

  it('drops the bond when the ticket expires', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    await grant([n0!])
    // JWT expiry has whole seconds: this ticket lives between 5 and 6 seconds, time enough to
    // bond and replicate on a loaded machine before it expires.
    await grant([n1!], Expiration.in(6_000))
    await ticketsSeen([n0!, n1!])
    const store = freshStore()
    const w = scope.writer<number>(n0!, store, { auth: [validator] })
    const r = scope.reader<number>(n1!, store, { auth: [validator] })
    await allOnline(w, r)
    const v = await w.write(1)
    await allReach(v, r)
    const expired = await within(10, 'the expiry to drop the bond', refusal(n0!, n1!.peerId, 'expired'))
    expect(expired.reason).toBe('expired')
    await waitFor([groupOf(w)], 'the writer to lose its bond', () => groupOf(w).getSnapshot().bonds.length === 0)
    await within(10, 'the reader to go offline', r.when.offline())
  })

  it('drops the bond when the ticket is removed from the entry', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    await grant([n0!, n1!])
    await ticketsSeen([n0!, n1!])
    const store = freshStore()
    const w = scope.writer<number>(n0!, store, { auth: [validator] })
    const r = scope.reader<number>(n1!, store, { auth: [validator] })
    await allOnline(w, r)
    const dropped = refusal(n0!, n1!.peerId, 'missing')
    n1!.discovery.removeTicketsOf(Jwt.CLASS)
    await within(10, 'the revocation to drop the bond', dropped)
    await waitFor([groupOf(w)], 'the writer to lose its bond', () => groupOf(w).getSnapshot().bonds.length === 0)
  })

  it('makes validators part of the group id', async (ctx) => {
    const scope = testScope(ctx)
    const [n0] = await scope.networksKnowingEachOther(1)
    const store = freshStore()
    const id = (options: Parameters<typeof Cell.reader<number>>[2]) =>
      scope.reader<number>(n0!, store, options).groupId.toString()
    const open = id({})
    const same = Jwt.withKey(
      Hs256.fromSecret('87e50edd90e2f9d53a7f2a9bd51c1069a454b827f0e1002577c54e1c2a598568'),
    ).allowIssuer(ISSUER)
    expect(id({ auth: [validator] })).not.toBe(open)
    expect(id({ auth: [same] })).toBe(id({ auth: [validator] }))
    expect(id({ auth: [validator.allowAudience('x')] })).not.toBe(id({ auth: [validator] }))
    expect(id({ writeAuth: [validator] })).not.toBe(id({ auth: [validator] }))
    expect(id({ auth: [validator], writeAuth: [writeValidator] })).not.toBe(id({ auth: [validator] }))
  })

  it('mismatched validators never bond: a cell without auth and one with it are different groups', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    await grant([n0!, n1!])
    await ticketsSeen([n0!, n1!])
    const store = freshStore()
    const w = scope.writer<number>(n0!, store, { auth: [validator] })
    const plain = scope.writer<number>(n1!, store)
    await allOnline(w, plain)
    expect(w.groupId.equals(plain.groupId)).toBe(false)
    expect(groupOf(w).getSnapshot().bonds).toEqual([])
  })
})

describe('Cell with writeAuth: roles granted, not declared', () => {
  it('refuses writes from a reader-ticket holder, which replicates as an observer', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    await grant([n0!, n1!])
    n0!.discovery.addTicket(await writeBuilder.build(n0!.peerId))
    await ticketsSeen([n0!, n1!])
    const store = freshStore()
    const options = { auth: [validator], writeAuth: [writeValidator] }
    const w = scope.writer<number>(n0!, store, options)
    // n1 opens a writer: it declares `normal`, but only holds a reader ticket.
    const pretender = scope.writer<number>(n1!, store, options)
    await allOnline(w, pretender)
    expect(groupOf(w).isLeader()).toBe(true)
    await expect(pretender.write(666)).rejects.toMatchObject({ name: 'CellError', kind: 'unauthorized', value: 666 })
    const v = await w.write(1)
    await allReach(v, pretender)
    expect(pretender.read()).toBe(1)
    expect(groupOf(w).getSnapshot().bonds).toEqual([n1!.peerId])
    // A write ticket granted later makes it a writer.
    n1!.discovery.addTicket(await writeBuilder.build(n1!.peerId))
    await ticketsSeen([n0!, n1!])
    const v2 = await within(10, 'the new writer to write', pretender.write(2))
    await allReach(v2, w)
    expect(w.read()).toBe(2)
  })

  it('a writer lacking writeAuth never leads a cell on its own', async (ctx) => {
    const scope = testScope(ctx)
    const [n0] = await scope.networksKnowingEachOther(1)
    await grant([n0!])
    const store = freshStore()
    const w = scope.writer<number>(n0!, store, { auth: [validator], writeAuth: [writeValidator] })
    await expect(w.write(1)).rejects.toMatchObject({ kind: 'unauthorized' })
    // It would have elected itself within a few election timeouts if it were a voter.
    const other = scope.writer<number>(n0!, freshStore(), { auth: [validator] })
    await allOnline(other)
    expect(groupOf(w).getSnapshot().role).toBe('follower')
    expect(w.getSnapshot().online).toBe(false)
  })
})

describe('Cell auth against bad tickets', () => {
  it('refuses malformed, expired, wrong-issuer and wrong-signature tickets, counts them, and changes no replica', async (ctx) => {
    const scope = testScope(ctx)
    const [n0, n1] = await scope.networksKnowingEachOther(2)
    await grant([n0!])
    const peer = n1!.peerId
    const bad = [
      createTicket(Jwt.CLASS, 'not a jwt'),
      await builder.build(peer, Expiration.alreadyExpired()),
      await new JwtTicketBuilder(Hs256.fromSecret('ab'.repeat(32))).issuer(ISSUER).build(peer),
      await new JwtTicketBuilder(Hs256.fromSecret('87e50edd90e2f9d53a7f2a9bd51c1069a454b827f0e1002577c54e1c2a598568'))
        .issuer('someone-else')
        .build(peer),
    ]
    for (const t of bad) n1!.discovery.addTicket(t)
    await ticketsSeen([n0!, n1!])
    const store = freshStore()
    const w = scope.writer<number>(n0!, store, { auth: [validator] })
    const intruder = scope.writer<number>(n1!, store, { auth: [validator] })
    const refused = refusal(n0!, peer)
    await allOnline(w)
    const v = await w.write(5)
    const seen = await within(10, 'the writer to refuse the bad tickets', refused)
    expect(['malformed', 'expired', 'bad-signature', 'wrong-issuer']).toContain(seen.reason)
    await expect(intruder.write(9)).rejects.toMatchObject({ kind: 'unauthorized' })
    expect(w.read()).toBe(5)
    expect(w.version()).toBe(v)
    expect(intruder.isEmpty()).toBe(true)
    expect(groupOf(w).getSnapshot().bonds).toEqual([])
  })
})
