import { describe, expect, it, vi } from 'vitest'
import { decode } from '../../src/core/codec.js'
import { type PeerId, UniqueId } from '../../src/core/id.js'
import type { PeerEntry } from '../../src/network/types.js'
import { producerConfig } from '../../src/streams/config.js'
import { Producer } from '../../src/streams/producer.js'
import { Sink } from '../../src/streams/sink.js'
import { StreamWhen } from '../../src/streams/status.js'
import type { ProducerOptions } from '../../src/streams/types.js'
import { bareEntry, ScriptedChannel, scriptedTickets } from './scripted.js'

// The fanout against consumers the test plays: how waiting sends share the room.

const ID = UniqueId.from('sink')
const NET = UniqueId.from('sink-net').toString()

function fanout(options: ProducerOptions<number>) {
  const config = producerConfig(options as ProducerOptions<unknown>)
  const when = new StreamWhen('producer', config.onlineWhen, 1)
  /** What the sink reported as refused. */
  const refused: string[] = []
  const sink = new Sink(
    {
      peerId: 'producer' as PeerId,
      rtt: () => undefined,
      entry: () => undefined,
      linkChanged: () => {},
      refused: (_sink, _remote, reason) => refused.push(reason),
    },
    ID,
    config,
    when,
  )
  const slot = { streamId: ID, config, when, sink, ready: Promise.resolve(sink), handles: 1, closed: false }
  return {
    sink,
    refused,
    producer: new Producer<number>(slot, () => {}),
    /** A consumer subscribes with `window`; its channel is the producer's end. */
    async subscribe(name: string, window: number): Promise<ScriptedChannel> {
      const ch = new ScriptedChannel(name as PeerId)
      await this.accept(ch, bareEntry(name as PeerId, NET), window)
      return ch
    },
    /** Admits the consumer of `ch`, whose entry is `entry`. */
    accept(ch: ScriptedChannel, entry: PeerEntry, window = 1): Promise<void> {
      return sink.accept(ch, { t: 'sub', net: NET, stream: ID.toString(), window, criteria: {} }, entry)
    },
  }
}

/** The datums written on `ch`, decoded. */
function data(ch: ScriptedChannel): unknown[] {
  return ch.sent.flatMap((m) => ((m as { t: string }).t === 'd' ? [decode((m as { v: Uint8Array }).v)] : []))
}

describe('sink', () => {
  it('sends woken together take the room one at a time: none is dropped', async () => {
    const f = fanout({ window: 1, bufferSize: 1, onLagging: 'drop-newest' })
    const ch = await f.subscribe('c', 1)
    expect([f.producer.trySend(0), f.producer.trySend(1)]).toEqual([true, true])
    const second = f.producer.send(2)
    const third = f.producer.send(3)
    ch.deliver({ t: 'ack', n: 1 })
    await second
    ch.deliver({ t: 'ack', n: 1 })
    await third
    ch.deliver({ t: 'ack', n: 1 })
    expect(data(ch)).toEqual([0, 1, 2, 3])
    expect(f.producer.stats().dropped).toBe(0)
  })

  it('a send waiting for room takes the room of a consumer that subscribes meanwhile, before a later send', async () => {
    const f = fanout({ window: 1, bufferSize: 1, onLagging: 'drop-newest' })
    await f.subscribe('full', 1)
    expect([f.producer.trySend(0), f.producer.trySend(1)]).toEqual([true, true])
    const waiting = f.producer.send(2)
    const late = await f.subscribe('late', 1)
    // The waiting send was woken by the new consumer's room and went out first.
    expect(f.producer.trySend(3)).toBe(true)
    expect(data(late)).toEqual([2])
    await waiting
  })

  it('drop-oldest counts every datum it drops to make room', async () => {
    const f = fanout({ window: 1, maxQueuedBytes: 4, onLagging: 'drop-oldest' })
    const ch = await f.subscribe('c', 1)
    // 0 goes out; 1, 2 and 3 wait (one byte each); 1000 (three bytes) needs two of them gone.
    for (const v of [0, 1, 2, 3, 1000]) expect(f.producer.trySend(v)).toBe(true)
    expect(f.producer.stats().dropped).toBe(2)
    for (let i = 0; i < 2; i++) ch.deliver({ t: 'ack', n: 1 })
    expect(data(ch)).toEqual([0, 3, 1000])
  })

  it.each([
    ['a valid', (t: ReturnType<typeof scriptedTickets>) => t.until(Date.now() + 60_000)],
    ['a forged', (t: ReturnType<typeof scriptedTickets>) => t.forged()],
  ])(
    'a consumer whose channel closes while %s ticket is checked is no refusal and leaves nothing',
    async (_, ticket) => {
      vi.useFakeTimers()
      try {
        const tickets = scriptedTickets()
        const f = fanout({ requireTicket: tickets.validator })
        const ch = new ScriptedChannel('c' as PeerId)
        tickets.hold()
        const accepted = f.accept(ch, { ...bareEntry('c' as PeerId, NET), tickets: [ticket(tickets)] })
        ch.finish({ by: 'remote', reason: 'reset' })
        tickets.release()
        await accepted
        expect([f.sink.refusals, f.producer.refusals(), f.refused]).toEqual([0, 0, []])
        expect(f.sink.subscriptions.size).toBe(0)
        expect(vi.getTimerCount()).toBe(0)
      } finally {
        vi.useRealTimers()
      }
    },
  )
})
