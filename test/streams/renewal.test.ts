import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { closeFrames, scriptedConsumer, scriptedProducer, scriptedTickets } from './scripted.js'

// Open links of a ticket-gated stream when the peer's entry brings new tickets (peers renew
// theirs and announce them again): checked by the same validators, a ticket granted longer
// moves the end of the link, one refused ends it. On fake timers (Date included).

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('renewed tickets, consumer side', () => {
  /** A consumer linked to a producer whose ticket is valid until `until`. */
  async function linked(until: number) {
    const tickets = scriptedTickets()
    const s = scriptedConsumer<number>({ requireTicket: tickets.validator, entry: { tickets: [tickets.until(until)] } })
    s.engine.start()
    await vi.advanceTimersByTimeAsync(0)
    const ch = s.channels[0]!
    s.start(ch, 4)
    return { s, ch, tickets }
  }

  it('keeps the link to a producer whose renewed ticket is granted longer, to the new expiry', async () => {
    const t0 = Date.now()
    const { s, ch, tickets } = await linked(t0 + 10_000)
    await vi.advanceTimersByTimeAsync(5_000)
    s.update({ tickets: [tickets.until(t0 + 60_000)] })
    await vi.advanceTimersByTimeAsync(10_000)
    // Past the first ticket: the renewed one, which the validator checked, holds the link.
    expect(tickets.calls).toEqual(['producer', 'producer'])
    expect(ch.isClosed).toBe(false)
    expect(s.engine.producers().length).toBe(1)
    await vi.advanceTimersByTimeAsync(45_000)
    expect(closeFrames(ch)).toEqual([{ t: 'close', reason: 'ticket-expired' }])
    expect(ch.isClosed).toBe(true)
    s.engine.close()
  })

  it('ends the link at once when the renewed entry holds a ticket the validator refuses', async () => {
    const t0 = Date.now()
    const { s, ch, tickets } = await linked(t0 + 10_000)
    s.update({ tickets: [tickets.until(t0 + 60_000)] })
    await vi.advanceTimersByTimeAsync(20_000)
    expect(ch.isClosed).toBe(false)
    // Its next entry claims a ticket the validator does not grant: the link ends now.
    s.update({ tickets: [tickets.forged()] })
    await vi.advanceTimersByTimeAsync(0)
    expect(ch.isClosed).toBe(true)
    expect(s.engine.producers()).toEqual([])
    s.engine.close()
  })
  it('checks one entry of a producer at a time: of ten changes during a check, only the last', async () => {
    const t0 = Date.now()
    const { s, ch, tickets } = await linked(t0 + 10_000)
    const before = tickets.calls.length
    tickets.hold()
    s.update({ tickets: [tickets.until(t0 + 20_000)] })
    tickets.pass()
    for (let i = 1; i <= 10; i++) s.update({ tickets: [tickets.until(t0 + 20_000 + i * 10_000)] })
    await vi.advanceTimersByTimeAsync(0)
    expect(tickets.calls.length - before).toBe(1)
    tickets.release()
    await vi.advanceTimersByTimeAsync(0)
    expect(tickets.calls.length - before).toBe(2)
    await vi.advanceTimersByTimeAsync(t0 + 119_000 - Date.now())
    expect(ch.isClosed).toBe(false)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(closeFrames(ch)).toEqual([{ t: 'close', reason: 'ticket-expired' }])
    s.engine.close()
  })
})

describe('renewed tickets, producer side', () => {
  /** A consumer admitted with a ticket valid until `until`. */
  async function admitted(until: number, hold = false) {
    const tickets = scriptedTickets()
    const p = scriptedProducer({ requireTicket: tickets.validator, entry: { tickets: [tickets.until(until)] } })
    if (hold) tickets.hold()
    const ch = p.subscribe(4)
    ch.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(0)
    return { p, ch, tickets }
  }

  it('keeps a consumer whose renewed ticket is granted longer, to the new expiry', async () => {
    const t0 = Date.now()
    const { p, ch, tickets } = await admitted(t0 + 10_000)
    expect(p.sink.subscriptions.size).toBe(1)
    await vi.advanceTimersByTimeAsync(5_000)
    p.update({ tickets: [tickets.until(t0 + 60_000)] })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(tickets.calls).toEqual(['consumer', 'consumer'])
    expect(p.sink.subscriptions.size).toBe(1)
    await vi.advanceTimersByTimeAsync(45_000)
    expect(p.sink.subscriptions.size).toBe(0)
    expect(closeFrames(ch)).toEqual([{ t: 'close', reason: 'ticket-expired' }])
    p.engine.stop()
  })

  it('ends a consumer at once when its renewed entry holds a ticket the validator refuses', async () => {
    const t0 = Date.now()
    const { p, ch, tickets } = await admitted(t0 + 10_000)
    p.update({ tickets: [tickets.until(t0 + 60_000)] })
    await vi.advanceTimersByTimeAsync(20_000)
    expect(p.sink.subscriptions.size).toBe(1)
    p.update({ tickets: [tickets.forged()] })
    await vi.advanceTimersByTimeAsync(0)
    expect(p.sink.subscriptions.size).toBe(0)
    expect(closeFrames(ch)).toEqual([{ t: 'close', reason: 'not-allowed' }])
    p.engine.stop()
  })

  it('checks again an entry renewed while the consumer was being admitted', async () => {
    const t0 = Date.now()
    const { p, ch, tickets } = await admitted(t0 + 10_000, true)
    // The renewal arrives while the first ticket is being checked, before the subscription exists.
    p.update({ tickets: [tickets.until(t0 + 60_000)] })
    tickets.release()
    await vi.advanceTimersByTimeAsync(20_000)
    expect(p.sink.subscriptions.size).toBe(1)
    expect(ch.isClosed).toBe(false)
    await vi.advanceTimersByTimeAsync(40_000)
    expect(p.sink.subscriptions.size).toBe(0)
    p.engine.stop()
  })

  it('ignores the check of an older entry that ends after the check of a newer one', async () => {
    const t0 = Date.now()
    const { p, tickets } = await admitted(t0 + 10_000)
    // The check of a forged ticket is slow; the renewed entry after it is checked at once.
    tickets.hold()
    p.update({ tickets: [tickets.forged()] })
    tickets.pass()
    p.update({ tickets: [tickets.until(t0 + 60_000)] })
    await vi.advanceTimersByTimeAsync(0)
    tickets.release()
    await vi.advanceTimersByTimeAsync(20_000)
    expect(p.sink.subscriptions.size).toBe(1)
    p.engine.stop()
  })

  /**
   * The consumer leaves while the check of a `stale` entry (a forged ticket, or one valid for
   * 10 s) runs, announces a ticket valid for two minutes and subscribes again; then the stale
   * check ends. Returns the new link.
   */
  async function resubscribedDuring(stale: 'forged' | 'shorter') {
    const t0 = Date.now()
    const { p, ch, tickets } = await admitted(t0 + 60_000)
    tickets.hold()
    p.update({ tickets: [stale === 'forged' ? tickets.forged() : tickets.until(t0 + 10_000)] })
    tickets.pass()
    ch.finish({ by: 'remote', reason: 'reset' })
    p.update({ tickets: [tickets.until(t0 + 120_000)] })
    const again = p.subscribe(4)
    again.deliver({ t: 'probe' })
    await vi.advanceTimersByTimeAsync(0)
    expect(p.sink.subscriptions.size).toBe(1)
    tickets.release()
    return { p, again }
  }

  it('does not let the check of an older entry end a subscription admitted later on a newer one', async () => {
    const { p, again } = await resubscribedDuring('forged')
    await vi.advanceTimersByTimeAsync(0)
    expect(closeFrames(again)).toEqual([])
    expect(p.sink.subscriptions.size).toBe(1)
    p.engine.stop()
  })

  it('does not let a stale check of a shorter ticket move a later subscription’s end earlier', async () => {
    const { p, again } = await resubscribedDuring('shorter')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(closeFrames(again)).toEqual([])
    expect(p.sink.subscriptions.size).toBe(1)
    p.engine.stop()
  })

  it('checks one entry of a consumer at a time: of ten changes during a check, only the last', async () => {
    const t0 = Date.now()
    const { p, tickets } = await admitted(t0 + 10_000)
    const before = tickets.calls.length
    tickets.hold()
    p.update({ tickets: [tickets.until(t0 + 20_000)] })
    tickets.pass()
    for (let i = 1; i <= 10; i++) p.update({ tickets: [tickets.until(t0 + 20_000 + i * 10_000)] })
    await vi.advanceTimersByTimeAsync(0)
    // The one running, nothing more while it runs.
    expect(tickets.calls.length - before).toBe(1)
    tickets.release()
    await vi.advanceTimersByTimeAsync(0)
    // Then the latest entry, which decides: the link lasts to its ticket's expiry.
    expect(tickets.calls.length - before).toBe(2)
    await vi.advanceTimersByTimeAsync(t0 + 119_000 - Date.now())
    expect(p.sink.subscriptions.size).toBe(1)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(p.sink.subscriptions.size).toBe(0)
    p.engine.stop()
  })
})
