import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PeerId } from '../../src/core/id.js'
import type { Channel } from '../../src/network/types.js'
import { ScriptedChannel, scriptedConsumer, scriptedProducer, scriptedTickets } from './scripted.js'

/**
 * Ticket and `require` checks await, so they overlap with links closing and opening and with
 * other checks: a check may only decide for the entry it checked and for links that existed when
 * it began; a freed `maxProducers` slot goes to the producer skipped first.
 */

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const closeFrames = (ch: ScriptedChannel) => ch.sent.filter((m) => (m as { t: string }).t === 'close')

describe('streams: a producer re-checking a consumer', () => {
  it('does not let a check of an older entry end a subscription admitted later on a newer one', async () => {
    const t0 = Date.now()
    const tickets = scriptedTickets()
    const p = scriptedProducer({ requireTicket: tickets.validator, entry: { tickets: [tickets.until(t0 + 60_000)] } })
    const first = p.subscribe(4)
    first.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(0)
    expect(p.sink.subscriptions.size).toBe(1)
    // Its entry now claims a forged ticket, whose check is slow.
    tickets.hold()
    p.update({ tickets: [tickets.forged()] })
    tickets.pass()
    // The consumer leaves, announces a renewed ticket and subscribes again: admitted on it.
    first.finish({ by: 'remote', reason: 'reset' })
    p.update({ tickets: [tickets.until(t0 + 120_000)] })
    const second = p.subscribe(4)
    second.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(0)
    expect(p.sink.subscriptions.size).toBe(1)
    // The stale check of the forged entry ends: it must not end the new subscription.
    tickets.release()
    await vi.advanceTimersByTimeAsync(0)
    expect(closeFrames(second)).toEqual([])
    expect(p.sink.subscriptions.size).toBe(1)
    p.engine.stop()
  })

  it('does not let a stale check of a shorter ticket move a later subscription’s end earlier', async () => {
    const t0 = Date.now()
    const tickets = scriptedTickets()
    const p = scriptedProducer({ requireTicket: tickets.validator, entry: { tickets: [tickets.until(t0 + 60_000)] } })
    const first = p.subscribe(4)
    first.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(0)
    tickets.hold()
    p.update({ tickets: [tickets.until(t0 + 10_000)] })
    tickets.pass()
    first.finish({ by: 'remote', reason: 'reset' })
    p.update({ tickets: [tickets.until(t0 + 120_000)] })
    const second = p.subscribe(4)
    second.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(0)
    tickets.release()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(closeFrames(second)).toEqual([])
    expect(p.sink.subscriptions.size).toBe(1)
    p.engine.stop()
  })
})

describe('streams: a consumer refilling a freed maxProducers slot', () => {
  it('gives it to the producer skipped first, not to one that qualifies while that one is checked', async () => {
    const tickets = scriptedTickets()
    const s = scriptedConsumer<number>({
      maxProducers: 1,
      peers: ['a', 'b', 'c'],
      requireTicket: tickets.validator,
      entry: { tickets: [tickets.until(Date.now() + 3_600_000)] },
    })
    // c does not produce the stream yet.
    s.update({ streams: [] }, 'c')
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a'])
    s.start(s.channels[0]!, 4)
    // a stops producing: b (skipped) is checked for its slot, slowly.
    tickets.hold()
    s.update({ streams: [] }, 'a')
    await vi.advanceTimersByTimeAsync(0)
    tickets.pass()
    // Meanwhile c starts producing the stream and is checked at once.
    s.update({ streams: [s.streamId.toString()] }, 'c')
    await vi.advanceTimersByTimeAsync(0)
    tickets.release()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a', 'b'])
    s.engine.close()
  })

  it('offers a second freed slot while the first one’s channel is still opening', async () => {
    const pending: Array<(ch: Channel) => void> = []
    const channels: ScriptedChannel[] = []
    const s = scriptedConsumer<number>({
      maxProducers: 2,
      peers: ['a', 'x', 'b', 'c'],
      open: (peer: PeerId) => {
        // b's channel takes long to open (dial retries).
        if (peer === 'b') return new Promise((resolve) => pending.push(resolve))
        const ch = new ScriptedChannel(peer)
        channels.push(ch)
        return Promise.resolve(ch)
      },
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(channels.map((c) => c.remotePeer)).toEqual(['a', 'x'])
    for (const ch of channels) s.start(ch, 4)
    s.update({ streams: [] }, 'a')
    await vi.advanceTimersByTimeAsync(0)
    expect(pending.length).toBe(1)
    // x leaves too: one slot is free (b holds the other), c should take it.
    s.update({ streams: [] }, 'x')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(channels.map((c) => c.remotePeer)).toEqual(['a', 'x', 'c'])
    s.engine.close()
  })
})
