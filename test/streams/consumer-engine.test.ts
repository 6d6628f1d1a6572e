import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encode } from '../../src/core/codec.js'
import { UniqueId } from '../../src/core/id.js'
import type { Channel } from '../../src/network/types.js'
import { ScriptedChannel, scriptedConsumer, scriptedTickets } from './scripted.js'

// The consumer's work against a producer the test plays, on fake timers: subscriptions,
// retries and what waits in the consumer's buffer.

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('consumer engine', () => {
  it('retries a producer whose channel closed before its subscription was sent', async () => {
    let first = true
    const s = scriptedConsumer<number>({
      open: async (peer) => {
        const ch = new ScriptedChannel(peer)
        if (first) ch.finish({ by: 'remote', reason: 'reset' })
        first = false
        return ch
      },
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(s.opened.length).toBeGreaterThanOrEqual(2)
    s.engine.close()
  })

  it('holds at most a window of one producer across its reconnections until the app takes them', async () => {
    const s = scriptedConsumer<number>({ window: 2 })
    s.engine.start()
    let sent = 0
    // Three times: the producer fills the window and cuts the consumer off as too slow (as a
    // producer does while another consumer keeps up); the app reads nothing meanwhile.
    // (A retry after a link that came up waits at most 312 ms; a handshake times out at 5 s.)
    for (let round = 0; round < 3; round++) {
      await vi.advanceTimersByTimeAsync(1_000)
      const ch = s.channels.at(-1) as ScriptedChannel
      s.start(ch, 2)
      for (let i = 0; i < 2; i++) ch.deliver({ t: 'd', v: encode(sent++) })
      ch.deliver({ t: 'close', reason: 'too-slow' })
    }
    await vi.advanceTimersByTimeAsync(1_000)
    expect(s.engine.stats().lag).toBe(2)
    expect(s.channels.length).toBe(1)
    // Once the app took them, the producer is subscribed again.
    expect([s.engine.tryRecv(), s.engine.tryRecv()]).toEqual([0, 1])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(s.channels.length).toBe(2)
    expect(s.channels[1]!.sent).toMatchObject([{ t: 'sub', window: 2 }])
    s.engine.close()
  })

  it('abandons a subscription being opened to a producer that stopped qualifying meanwhile', async () => {
    const opening: Array<(ch: Channel) => void> = []
    const ok = UniqueId.from('ok').toString()
    const s = scriptedConsumer<number>({
      require: (p) => p.hasTag('ok'),
      entry: { tags: [ok] },
      open: () => new Promise((resolve) => opening.push(resolve)),
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(opening.length).toBe(1)
    s.update({ tags: [] })
    await vi.advanceTimersByTimeAsync(0)
    const ch = new ScriptedChannel(s.peer)
    opening[0]!(ch)
    await vi.advanceTimersByTimeAsync(0)
    expect(ch.sent).toEqual([])
    expect(ch.isClosed).toBe(true)
    s.engine.close()
  })

  it('ignores a check of an older entry that ends after the check of a newer one', async () => {
    // `require` reads an RTT not yet measured: the first check pings (slow), the next one
    // sees an entry without the stream (at once) and must have the last word.
    const channels: ScriptedChannel[] = []
    const s = scriptedConsumer<number>({
      require: (p) => p.rttBelow(1_000),
      open: async (peer) => {
        const ch = new ScriptedChannel(peer)
        channels.push(ch)
        return ch
      },
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(channels.map((c) => c.sent)).toEqual([[{ t: 'ping' }]])
    s.update({ streams: [] })
    await vi.advanceTimersByTimeAsync(0)
    channels[0]!.deliver({ t: 'pong' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(channels.length).toBe(1)
    s.engine.close()
  })

  it('bounds the frames of a ping channel to what a pong needs, before they are decoded', async () => {
    const s = scriptedConsumer<number>({ require: (p) => p.rttBelow(1_000) })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels[0]!.sent).toEqual([{ t: 'ping' }])
    expect(s.opened[0]?.maxFrameSize).toBeLessThanOrEqual(1024)
    s.engine.close()
  })

  it('closes a ping still waiting for its pong when the consumer closes', async () => {
    const s = scriptedConsumer<number>({ require: (p) => p.rttBelow(1_000) })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels[0]!.sent).toEqual([{ t: 'ping' }])
    s.engine.close()
    expect(s.channels[0]!.isClosed).toBe(true)
  })

  it('answers one probe of the producer; a second one is a protocol violation', async () => {
    const s = scriptedConsumer<number>()
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    const ch = s.channels[0]!
    for (let i = 0; i < 3; i++) ch.deliver({ t: 'probe' })
    expect(ch.sent.filter((m) => (m as { t: string }).t === 'probe')).toEqual([{ t: 'probe' }])
    expect(ch.rejected).toEqual(['protocol'])
    s.engine.close()
  })

  it('subscribes to a producer skipped at maxProducers once a slot frees', async () => {
    const s = scriptedConsumer<number>({ maxProducers: 1, peers: ['a', 'b'] })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a'])
    s.start(s.channels[0]!, 4)
    // a stops producing the stream: its slot frees, and b, whose entry never changed, takes it.
    s.update({ streams: [] }, 'a')
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a', 'b'])
    expect(s.channels[1]!.sent).toMatchObject([{ t: 'sub' }])
    s.engine.close()
  })

  it('offers a freed slot to skipped producers in the order first skipped, checking only until it is filled', async () => {
    const tickets = scriptedTickets()
    const checked: string[] = []
    const refused = new Set<string>()
    const s = scriptedConsumer<number>({
      maxProducers: 1,
      peers: ['a', 'b', 'c', 'd'],
      require: (p) => {
        checked.push(p.peerId)
        return !refused.has(p.peerId)
      },
      requireTicket: tickets.validator,
      entry: { tickets: [tickets.until(Date.now() + 3_600_000)] },
    })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a'])
    s.start(s.channels[0]!, 4)
    // c's entry changes while it waits: it is checked again and keeps its place, before d.
    s.update({ addresses: ['/memory/c'] }, 'c')
    await vi.advanceTimersByTimeAsync(0)
    checked.length = 0
    tickets.calls.length = 0
    // a stops producing; b no longer qualifies: c takes the slot, and d costs no check.
    refused.add('b')
    s.update({ streams: [] }, 'a')
    await vi.advanceTimersByTimeAsync(0)
    expect(checked).toEqual(['b', 'c'])
    expect(tickets.calls).toEqual(['c'])
    expect(s.channels.map((c) => c.remotePeer)).toEqual(['a', 'c'])
    s.engine.close()
  })
})
