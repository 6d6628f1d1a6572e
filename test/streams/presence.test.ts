import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/core/clock.js'
import { EventRoom } from '../../src/streams/events.js'
import { PresenceRoom, type PresenceSnapshot, presenceStreamId } from '../../src/streams/presence.js'
import { scope, within } from './helpers.js'

type Cursor = { name: string; x: number; y: number }

/** Resolves once the room's snapshot satisfies `check` (an awaited event, no polling). */
function untilSnapshot<P extends object>(
  room: PresenceRoom<P>,
  what: string,
  check: (s: PresenceSnapshot<P>) => boolean,
): Promise<void> {
  return within(
    new Promise<void>((resolve) => {
      if (check(room.getSnapshot())) return resolve()
      const off = room.subscribe(() => {
        if (check(room.getSnapshot())) {
          off()
          resolve()
        }
      })
    }),
    what,
  )
}

describe('presence rooms', () => {
  it('peers see each other and follow updates', async (ctx) => {
    const s = scope(ctx)
    const [a, b] = await Promise.all([s.net(), s.net()])
    await s.discoverAll([a!, b!])
    const ra = new PresenceRoom<Cursor>(a!, 'doc', { name: 'a', x: 0, y: 0 })
    const rb = new PresenceRoom<Cursor>(b!, 'doc', { name: 'b', x: 0, y: 0 })
    ctx.onTestFinished(() => {
      ra.close()
      rb.close()
    })
    await untilSnapshot(ra, 'a to see b', (s) => s.others[0]?.presence.name === 'b')
    await untilSnapshot(rb, 'b to see a', (s) => s.others[0]?.presence.name === 'a')
    rb.update({ x: 5, y: 7 })
    expect(rb.self).toEqual({ name: 'b', x: 5, y: 7 })
    await untilSnapshot(ra, 'a to see b move', (s) => s.others[0]?.presence.x === 5)
    expect(ra.getSnapshot().others).toEqual([{ peer: b!.peerId, presence: { name: 'b', x: 5, y: 7 } }])
  })

  it('a peer that leaves gracefully disappears at once', async (ctx) => {
    const s = scope(ctx)
    const [a, b, c] = await Promise.all([s.net(), s.net(), s.net()])
    await s.discoverAll([a!, b!, c!])
    const ra = new PresenceRoom<Cursor>(a!, 'doc', { name: 'a', x: 0, y: 0 })
    const rb = new PresenceRoom<Cursor>(b!, 'doc', { name: 'b', x: 0, y: 0 })
    const rc = new PresenceRoom<Cursor>(c!, 'doc', { name: 'c', x: 0, y: 0 })
    ctx.onTestFinished(() => {
      ra.close()
      rc.close()
    })
    await untilSnapshot(ra, 'a to see both', (s) => s.others.length === 2)
    rb.close()
    await untilSnapshot(ra, 'a to drop b', (s) => s.others.map((o) => o.presence.name).join() === 'c')
    await c!.stop()
    await untilSnapshot(ra, 'a to drop c when its network stops', (s) => s.others.length === 0)
  })

  it('a linked peer that falls silent leaves exactly 3 heartbeats after it last spoke', async (ctx) => {
    const s = scope(ctx)
    const silent = await s.net()
    const id = presenceStreamId('doc')
    // A peer that announces the room's stream, sends one presence and then nothing.
    silent.discovery.addStream(id)
    silent.handle('streams', (ch) =>
      ch.onMessage((m) => {
        if ((m as { t: string }).t !== 'sub') return
        ch.send({ t: 'start', net: silent.id.toString(), stream: id.toString(), window: 4 })
        ch.send({ t: 'd', v: new Uint8Array([0xa1, 0x61, 0x70, 0xa1, 0x61, 0x78, 0x01]) }) // {p: {x: 1}}
      }),
    )
    const a = await s.net()
    const clock = new ManualClock()
    const ra = new PresenceRoom<{ x: number }>(a, 'doc', { x: 0 }, { heartbeatMs: 1_000, clock })
    ctx.onTestFinished(() => ra.close())
    await s.discoverAll([silent, a])
    await untilSnapshot(ra, 'a to see the silent peer', (s) => s.others[0]?.presence.x === 1)
    clock.advance(2_999)
    expect(ra.getSnapshot().others.length).toBe(1)
    clock.advance(1)
    expect(ra.getSnapshot().others).toEqual([])
  })

  it('events reach the other peers of the room, not the sender', async (ctx) => {
    const s = scope(ctx)
    const [a, b] = await Promise.all([s.net(), s.net()])
    await s.discoverAll([a!, b!])
    const ea = new EventRoom<{ emoji: string }>(a!, 'doc')
    const eb = new EventRoom<{ emoji: string }>(b!, 'doc')
    ctx.onTestFinished(() => {
      ea.close()
      eb.close()
    })
    const heardByA: string[] = []
    ea.listen((e) => heardByA.push(e.emoji))
    const heard = new Promise<[string, string]>((resolve) => eb.listen((e, from) => resolve([e.emoji, from])))
    await within(ea.online(), 'b to listen to a')
    expect(ea.broadcast({ emoji: '🎉' })).toBe(true)
    expect(await within(heard, 'b to hear the event')).toEqual(['🎉', a!.peerId])
    expect(heardByA).toEqual([])
  })
})
