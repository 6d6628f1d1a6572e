import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PeerId } from '../../src/core/id.js'
import type { Channel } from '../../src/network/types.js'
import { ScriptedChannel, scriptedConsumer, scriptedTickets } from './scripted.js'

/**
 * A freed `maxProducers` slot goes to the producer skipped first, though its check (ping,
 * tickets) awaits while other producers qualify, and a slot whose producer is still opening its
 * channel holds only that one slot.
 */

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
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
