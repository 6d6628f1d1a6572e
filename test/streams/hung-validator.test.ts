import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TICKET_CHECK_TIMEOUT_MS } from '../../src/streams/tickets.js'
import { closeFrames, scriptedConsumer, scriptedProducer, scriptedTickets } from './scripted.js'

// A ticket validator (the app's code) that never answers a re-check: the check grants nothing
// once TICKET_CHECK_TIMEOUT_MS passed, as at admission, and the peer's later entries are still
// checked (checks of one peer run one at a time, so a hung one would otherwise hold them all).

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const HOUR = 3_600_000

describe('a re-check whose validator never answers', () => {
  it('ends the consumer’s subscription when the time for an answer is up (producer side)', async () => {
    const tickets = scriptedTickets()
    const p = scriptedProducer({
      requireTicket: tickets.validator,
      entry: { tickets: [tickets.until(Date.now() + HOUR)] },
    })
    const ch = p.subscribe(4)
    ch.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(0)
    tickets.hold()
    p.update({ tickets: [tickets.until(Date.now() + 2 * HOUR)] })
    await vi.advanceTimersByTimeAsync(TICKET_CHECK_TIMEOUT_MS - 1)
    expect(p.sink.subscriptions.size).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(closeFrames(ch)).toEqual([{ t: 'close', reason: 'not-allowed' }])
    expect(p.sink.subscriptions.size).toBe(0)
    p.engine.stop()
  })

  it('ends the link to the producer, and a later entry the validator answers links it again', async () => {
    const tickets = scriptedTickets()
    const s = scriptedConsumer<number>({
      requireTicket: tickets.validator,
      entry: { tickets: [tickets.until(Date.now() + HOUR)] },
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    const ch = s.channels[0]!
    s.start(ch, 4)
    tickets.hold()
    s.update({ tickets: [tickets.until(Date.now() + 2 * HOUR)] })
    tickets.pass()
    await vi.advanceTimersByTimeAsync(TICKET_CHECK_TIMEOUT_MS)
    expect(ch.isClosed).toBe(true)
    s.update({ tickets: [tickets.until(Date.now() + 3 * HOUR)] })
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.length).toBe(2)
    expect(s.channels[1]?.isClosed).toBe(false)
    s.engine.close()
  })

  it('frees the maxProducers slot it was checked for; the producer’s next entry can take it', async () => {
    const tickets = scriptedTickets()
    const s = scriptedConsumer<number>({
      maxProducers: 1,
      peers: ['a', 'b'],
      requireTicket: tickets.validator,
      entry: { tickets: [tickets.until(Date.now() + HOUR)] },
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a'])
    s.start(s.channels[0]!, 4)
    // a stops producing: b is checked for the freed slot, and its validation never answers.
    tickets.hold()
    s.update({ streams: [] }, 'a')
    await vi.advanceTimersByTimeAsync(0)
    tickets.pass()
    await vi.advanceTimersByTimeAsync(TICKET_CHECK_TIMEOUT_MS)
    s.update({ tickets: [tickets.until(Date.now() + 2 * HOUR)] }, 'b')
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a', 'b'])
    s.engine.close()
  })
})
