import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import { createTicket, encodeTicket } from '../../src/tickets/ticket.js'
import type { TicketValidator } from '../../src/tickets/validator.js'
import { scriptedProducer } from './scripted.js'

// The producer's side of the protocol against a consumer the test plays, on fake timers:
// what a subscription may cost the producer before it is admitted.

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const CLASS = UniqueId.from('scripted-ticket')

describe('streams engine', () => {
  it('closes a subscription whose ticket validator never settles, within the subscribe timeout', async () => {
    const hung: TicketValidator = {
      class: CLASS,
      signature: () => CLASS,
      validate: () => new Promise(() => {}),
    }
    const p = scriptedProducer({ requireTicket: hung, entry: { tickets: [encodeTicket(createTicket(CLASS, 'x'))] } })
    const ch = p.subscribe(4)
    expect(ch.sent).toEqual([{ t: 'probe' }])
    ch.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(5_000)
    expect(ch.isClosed).toBe(true)
    expect(p.sink.subscriptions.size).toBe(0)
    p.engine.stop()
  })
})
