// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's room
/**
 * `usePresence`, `useOthers`, `useBroadcastEvent` and `useEventListener` over two real
 * networks (memory transport), in StrictMode: each component re-renders only when its
 * slice changed.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import { Network } from '../../src/network/network.js'
import { NetworkProvider, useBroadcastEvent, useEventListener, useOthers, usePresence } from '../../src/react/index.js'
import { EventRoom } from '../../src/streams/events.js'
import { PresenceRoom } from '../../src/streams/presence.js'
import { sharedRooms } from '../../src/streams/rooms.js'
import { allKnowEachOther, until } from '../network/helpers.js'
import { Commits, Counted, Strict } from './helpers/render.js'

const WAIT = { timeout: 10_000 }
let a: Network
let b: Network

beforeAll(async () => {
  const network = `presence-${UniqueId.random().short()}`
  a = await Network.create({ network, transport: 'memory' })
  b = await Network.create({ network, transport: 'memory', bootstrap: a.addresses() })
  await until([a, b], 'the two networks to discover each other', () => allKnowEachOther([a, b]))
})
afterEach(() => cleanup())
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
})

type Cursor = { x: number }

function Count({ room }: { room: string }) {
  const n = useOthers<Cursor, number>(room, (others) => others.length)
  return <p data-testid="count">{n}</p>
}

function Cursors({ room }: { room: string }) {
  const { self, others } = usePresence<Cursor>(room, { x: -1 })
  return (
    <p data-testid="cursors">
      {self.x}|{others.map((o) => o.presence.x).join(',')}
    </p>
  )
}

describe('presence hooks', () => {
  it('usePresence re-renders on every move; useOthers(count) only when someone comes or goes', async () => {
    const room = `room-${UniqueId.random().short()}`
    const commits = new Commits()
    render(
      <Strict>
        <NetworkProvider network={a}>
          <Counted id="count" commits={commits}>
            <Count room={room} />
          </Counted>
          <Counted id="cursors" commits={commits}>
            <Cursors room={room} />
          </Counted>
        </NetworkProvider>
      </Strict>,
    )
    const rb = new PresenceRoom<Cursor>(b, room, { x: 0 })
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('1'), WAIT)
    await waitFor(() => expect(screen.getByTestId('cursors').textContent).toBe('-1|0'), WAIT)
    // b sees our initial presence, which usePresence set although useOthers opened the room.
    await until([a, b], 'b to see a', () => rb.getSnapshot().others[0]?.presence.x === -1)
    commits.reset()
    for (let x = 1; x <= 5; x++) {
      act(() => rb.update({ x }))
      await waitFor(() => expect(screen.getByTestId('cursors').textContent).toBe(`-1|${x}`), WAIT)
    }
    expect(commits.get('cursors')).toBe(5)
    expect(commits.get('count')).toBe(0)
    rb.close()
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('0'), WAIT)
    expect(commits.get('count')).toBe(1)
  })

  it('update from a component reaches the other peer; one room however many components', async () => {
    const room = `room-${UniqueId.random().short()}`
    let update: ((p: Partial<Cursor>) => void) | undefined
    function Mover() {
      const p = usePresence<Cursor>(room, { x: 0 })
      update = p.update
      return null
    }
    const rooms = sharedRooms(a)
    const before = rooms.size
    render(
      <Strict>
        <NetworkProvider network={a}>
          <Mover />
          <Cursors room={room} />
          <Count room={room} />
        </NetworkProvider>
      </Strict>,
    )
    expect(rooms.size).toBe(before + 1)
    const rb = new PresenceRoom<Cursor>(b, room, { x: 100 })
    await until([a, b], 'b to see a', () => rb.getSnapshot().others.length === 1)
    act(() => update?.({ x: 42 }))
    await until([a, b], 'b to see the move', () => rb.getSnapshot().others[0]?.presence.x === 42)
    rb.close()
  })

  it('useEventListener hears broadcasts without re-rendering; useBroadcastEvent sends', async () => {
    const room = `events-${UniqueId.random().short()}`
    const commits = new Commits()
    const heard: string[] = []
    let broadcast: ((e: { emoji: string }) => boolean) | undefined
    function Listener() {
      useEventListener<{ emoji: string }>(room, (e) => heard.push(e.emoji))
      return null
    }
    function Sender() {
      broadcast = useBroadcastEvent<{ emoji: string }>(room)
      return null
    }
    render(
      <Strict>
        <NetworkProvider network={a}>
          <Counted id="listener" commits={commits}>
            <Listener />
          </Counted>
          <Sender />
        </NetworkProvider>
      </Strict>,
    )
    const eb = new EventRoom<{ emoji: string }>(b, room)
    const got: string[] = []
    eb.listen((e) => got.push(e.emoji))
    await eb.online()
    commits.reset()
    expect(eb.broadcast({ emoji: '🎉' })).toBe(true)
    expect(eb.broadcast({ emoji: '👍' })).toBe(true)
    await until([a, b], 'a to hear both', () => heard.length === 2)
    expect(heard).toEqual(['🎉', '👍'])
    expect(commits.get('listener')).toBe(0)
    await until([a, b], 'a to reach b', () => broadcast?.({ emoji: '👋' }) === true)
    await until([a, b], 'b to hear a', () => got.includes('👋'))
    eb.close()
  })
})
