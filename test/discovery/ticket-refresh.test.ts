import { afterEach, describe, expect, it, vi } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import { TicketRefresher } from '../../src/discovery/ticket-refresh.js'
import type { Discovery } from '../../src/network/types.js'
import { createTicket, Expiration, MAX_TICKETS_PER_ENTRY, type Ticket, ticketId } from '../../src/tickets/index.js'

/** The ticket half of discovery, enforcing the per-entry bound as the real one does. */
function fakeDiscovery() {
  const held = new Map<string, Ticket>()
  return {
    addTicket(t: Ticket) {
      const id = ticketId(t).toString()
      if (held.has(id)) return
      if (held.size >= MAX_TICKETS_PER_ENTRY) throw new RangeError('full')
      held.set(id, t)
    },
    removeTicket(id: UniqueId | string) {
      held.delete(UniqueId.from(id).toString())
    },
    tickets: () => [...held.values()],
  } as unknown as Discovery
}

const CLASS = UniqueId.from('test.refresh')
afterEach(() => vi.useRealTimers())

describe('TicketRefresher', () => {
  it('swaps a full set of tickets for a new one before they expire, never passing the bound', async () => {
    vi.useFakeTimers()
    const discovery = fakeDiscovery()
    let round = 0
    const auth = vi.fn(async () => {
      round++
      return Array.from({ length: MAX_TICKETS_PER_ENTRY }, (_, i) => ({
        ticket: createTicket(CLASS, `r${round}-${i}`),
        expires: Expiration.in(10_000),
      }))
    })
    const errors: unknown[] = []
    const r = new TicketRefresher(discovery, 'peer', auth, { onError: (e) => errors.push(e) })
    await r.start()
    expect(discovery.tickets().map((t) => new TextDecoder().decode(t.data))).toEqual(['r1-0', 'r1-1', 'r1-2', 'r1-3'])
    await vi.advanceTimersByTimeAsync(8_500)
    expect(auth).toHaveBeenCalledTimes(2)
    expect(discovery.tickets().map((t) => new TextDecoder().decode(t.data))).toEqual(['r2-0', 'r2-1', 'r2-2', 'r2-3'])
    expect(errors).toEqual([])
    r.stop()
    expect(discovery.tickets()).toEqual([])
  })

  it('keeps the old tickets and retries with backoff when auth fails', async () => {
    vi.useFakeTimers()
    const discovery = fakeDiscovery()
    let fail = false
    const auth = vi.fn(async () => {
      if (fail) throw new Error('backend down')
      return { ticket: createTicket(CLASS, 'ok'), expires: Expiration.in(10_000) }
    })
    const errors: unknown[] = []
    const r = new TicketRefresher(discovery, 'peer', auth, { onError: (e) => errors.push(e), retryMs: 100 })
    await r.start()
    fail = true
    await vi.advanceTimersByTimeAsync(8_000 + 100 + 200 + 400)
    expect(errors.length).toBeGreaterThanOrEqual(3)
    expect(r.state.status).toBe('error')
    expect(discovery.tickets()).toHaveLength(1)
    fail = false
    await vi.advanceTimersByTimeAsync(2_000)
    expect(r.state.status).toBe('ok')
    r.stop()
  })
})
