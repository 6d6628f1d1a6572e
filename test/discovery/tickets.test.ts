import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import { signEntry, verifyEntry } from '../../src/discovery/entry.js'
import {
  createTicket,
  decodeTicket,
  encodeTicket,
  MAX_TICKET_BYTES,
  MAX_TICKETS_PER_ENTRY,
  ticketId,
} from '../../src/tickets/index.js'
import { Nets, until } from '../network/helpers.js'

const nets = new Nets()
afterEach(() => nets.stopAll())

const CLASS = UniqueId.from('test.tickets')
const OTHER_CLASS = UniqueId.from('test.other')

describe('tickets in discovery', () => {
  it('carries added tickets in the signed entry, re-announced at once, and drops removed ones', async () => {
    const a = await nets.create()
    const b = await nets.create({ bootstrap: a.addresses() })
    await until([a, b], 'a and b to know each other', () => a.discovery.catalog().has(b.peerId))
    const one = createTicket(CLASS, 'one')
    const two = createTicket(OTHER_CLASS, 'two')
    b.discovery.addTicket(one)
    b.discovery.addTicket(one) // idempotent
    b.discovery.addTicket(two)
    const seen = () => (a.discovery.catalog().get(b.peerId)?.tickets ?? []).map((t) => decodeTicket(t))
    // Far below the announce period (3.5 s): the change is announced at once.
    await until([a, b], "a to see b's two tickets", () => seen().length === 2, 3_000)
    expect(seen().map((t) => t && ticketId(t).toString())).toEqual(
      [ticketId(one), ticketId(two)].map((id) => id.toString()).sort(),
    )
    b.discovery.removeTicketsOf(OTHER_CLASS)
    await until([a, b], 'a to see the class removed', () => seen().length === 1, 3_000)
    b.discovery.removeTicket(ticketId(one))
    await until([a, b], 'a to see no ticket', () => seen().length === 0, 3_000)
    expect(b.discovery.tickets()).toEqual([])
  })

  it('refuses more tickets than an entry carries, and oversized ones, with a RangeError', async () => {
    const a = await nets.create()
    for (let i = 0; i < MAX_TICKETS_PER_ENTRY; i++) a.discovery.addTicket(createTicket(CLASS, `t${i}`))
    expect(() => a.discovery.addTicket(createTicket(CLASS, 'one too many'))).toThrow(RangeError)
    a.discovery.removeTicketsOf(CLASS)
    expect(() => a.discovery.addTicket(createTicket(CLASS, new Uint8Array(MAX_TICKET_BYTES)))).toThrow(RangeError)
    expect(a.discovery.tickets()).toEqual([])
  })

  it('refuses a signed entry carrying too many tickets as oversized', async () => {
    const key = await generateKeyPair('Ed25519')
    const net = UniqueId.from('t').toString()
    const now = Date.now()
    const tickets = Array.from({ length: MAX_TICKETS_PER_ENTRY + 1 }, (_, i) =>
      encodeTicket(createTicket(CLASS, `${i}`)),
    )
    const entry = {
      peerId: peerIdFromPrivateKey(key).toString(),
      network: net,
      addresses: [],
      tags: [],
      groups: [],
      tickets,
      startedAt: now,
      updatedAt: now,
    }
    const policy = { network: net, maxBytes: 16 * 1024, now, maxAgeMs: 20_000, maxDriftMs: 50_000 }
    expect(await verifyEntry(await signEntry(key, entry), policy)).toMatchObject({ ok: false, reason: 'oversized' })
    const big = { ...entry, tickets: [new Uint8Array(MAX_TICKET_BYTES + 1)] }
    expect(await verifyEntry(await signEntry(key, big), policy)).toMatchObject({ ok: false, reason: 'oversized' })
    const fine = { ...entry, tickets: tickets.slice(0, MAX_TICKETS_PER_ENTRY) }
    expect(await verifyEntry(await signEntry(key, fine), policy)).toMatchObject({ ok: true })
  })
})
