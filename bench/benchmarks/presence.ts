/**
 * Presence at scale: N peers in one room (default 50, memory transport, one process), each
 * moving its cursor at 20 Hz through `PresenceRoom.update` (a stream, no consensus).
 * Measured on every peer: latency from `update()` on the sender to the receiver's store
 * showing it (the presence carries the sender's `performance.now()`; one process, one
 * clock). On one observer, under React (production build, StrictMode): renders of a
 * `usePresence` list, of a `useOthers(count)` badge and of one `useOthers` cursor per peer.
 * Targets: p99 ≤ 250 ms; the count badge does not re-render for moves; a per-peer cursor
 * renders at most once per update of its peer.
 */
import type { Network } from '../../src/network/index.js'
import { Network as Net } from '../../src/network/network.js'
import { PresenceRoom } from '../../src/streams/presence.js'
import { installDom } from '../lib/dom.js'
import type { Benchmark, Row } from '../lib/harness.js'
import { now, sleep, summarize, until } from '../lib/stats.js'

type Cursor = { x: number; y: number; t: number }

type ReactModule = typeof import('react')
type Hooks = typeof import('../../src/react/index.js')
let R: ReactModule | undefined
let hooks: Hooks | undefined
const renders = { list: 0, count: 0, cursors: new Map<string, number>() }

function List({ room }: { room: string }) {
  hooks!.usePresence<Cursor>(room, { x: 0, y: 0, t: 0 })
  renders.list++
  return null
}

function Count({ room }: { room: string }) {
  const n = hooks!.useOthers<Cursor, number>(room, (o) => o.length)
  renders.count++
  return R!.createElement('span', null, n)
}

function PeerCursor({ room, peer }: { room: string; peer: string }) {
  const p = hooks!.useOthers<Cursor, Cursor | undefined>(room, (o) => o.find((x) => x.peer === peer)?.presence)
  renders.cursors.set(peer, (renders.cursors.get(peer) ?? 0) + 1)
  return R!.createElement('i', null, p ? `${p.x},${p.y}` : '')
}

export const presence: Benchmark = {
  name: 'presence',
  title: 'presence: N peers moving cursors at 20 Hz (latency, renders)',
  async run(ctx) {
    const peers = Number(process.env.BENCH_PRESENCE_PEERS ?? 50)
    const p = ctx.pick({ full: { peers, hz: 20, seconds: 5 }, smoke: { peers: 4, hz: 20, seconds: 1 } })
    const rows: Row[] = []
    const env = process.env.NODE_ENV
    if (env === undefined) process.env.NODE_ENV = 'production'
    const React = await import('react')
    const { createRoot } = await import('react-dom/client')
    const h = await import('../../src/react/index.js')
    hooks = h
    R = React
    if (env === undefined) delete process.env.NODE_ENV
    const reactBuild = (React as { act?: unknown }).act === undefined ? 'production' : 'development'
    await ctx.attempt(`presence ${p.peers} peers`, async () => {
      const name = `bench-presence-${Math.random().toString(16).slice(2, 10)}`
      const nets: Network[] = []
      const rooms: PresenceRoom<Cursor>[] = []
      let uninstall = () => {}
      let root: ReturnType<typeof createRoot> | undefined
      try {
        const t0 = now()
        const first = await Net.create({ network: name, transport: 'memory' })
        nets.push(first)
        for (let i = 1; i < p.peers; i++) {
          nets.push(await Net.create({ network: name, transport: 'memory', bootstrap: first.addresses() }))
          if (i % 10 === 0) ctx.log(`presence: ${i + 1} peers started`)
        }
        await until(
          120_000,
          'every peer to know every other',
          () => nets.every((n) => n.discovery.catalog().size === p.peers - 1),
          50,
        )
        const discoveredMs = now() - t0
        ctx.log(`presence: ${p.peers} peers discovered each other in ${discoveredMs.toFixed(0)} ms`)
        const room = 'bench-room'
        // Peer 0 is the React observer; the others use the framework-free room.
        const peerIds = nets.slice(1).map((n) => n.peerId)
        uninstall = installDom()
        root = createRoot(document.createElement('div'))
        root.render(
          React.createElement(
            React.StrictMode,
            null,
            React.createElement(h.NetworkProvider, {
              network: nets[0]!,
              children: [
                React.createElement(List, { key: 'list', room }),
                React.createElement(Count, { key: 'count', room }),
                ...peerIds.map((peer) => React.createElement(PeerCursor, { key: peer, room, peer })),
              ],
            }),
          ),
        )
        for (const n of nets.slice(1)) rooms.push(new PresenceRoom<Cursor>(n, room, { x: 0, y: 0, t: 0 }))
        const all = [...rooms]
        await until(
          120_000,
          'every room to see every other peer',
          () => all.every((r) => r.getSnapshot().others.length === p.peers - 1),
          50,
        )
        const meshedMs = now() - t0
        ctx.log(`presence: every room sees every peer after ${meshedMs.toFixed(0)} ms`)
        // Latency samples: every peer watches every other.
        const latencies: number[] = []
        for (const r of all) {
          let last = r.getSnapshot().others
          r.subscribe(() => {
            const next = r.getSnapshot().others
            const at = now()
            for (const o of next) if (!last.includes(o) && o.presence.t > 0) latencies.push(at - o.presence.t)
            last = next
          })
        }
        renders.list = 0
        renders.count = 0
        renders.cursors.clear()
        const period = 1000 / p.hz
        const ticks = p.seconds * p.hz
        const start = now()
        for (let k = 1; k <= ticks; k++) {
          const t = now()
          for (const r of rooms) r.update({ x: k, y: k, t })
          const wait = start + k * period - now()
          if (wait > 0) await sleep(wait)
        }
        const sendMs = now() - start
        // Let the last updates land.
        await until(
          10_000,
          'the last move to reach every peer',
          () =>
            all.every((r) => r.getSnapshot().others.every((o) => o.peer === nets[0]!.peerId || o.presence.x === ticks)),
          10,
        )
        const updates = ticks * rooms.length
        const stats = summarize(latencies)
        rows.push({
          case: `update → other peer's store (${p.peers} peers, ${p.hz} Hz)`,
          transport: 'memory',
          nodes: p.peers,
          unit: 'ms',
          stats,
          target: { text: 'p99 ≤ 250 ms', pass: stats.p99 <= 250 },
          extra: { samples: latencies.length, expected: updates * (p.peers - 2), sendMs, discoveredMs, meshedMs },
        })
        const cursorRenders = [...renders.cursors.values()]
        const perCursor = summarize(cursorRenders.map((n) => n / ticks))
        rows.push({
          case: 'React: per-peer cursor renders per update of that peer',
          transport: 'memory',
          nodes: p.peers,
          unit: 'renders',
          stats: perCursor,
          target: { text: '≤ 1', pass: perCursor.max <= 1 },
          extra: { reactBuild, strictMode: true },
        })
        rows.push({
          case: 'React: usePresence list renders per second',
          transport: 'memory',
          nodes: p.peers,
          unit: 'renders/s',
          stats: summarize([renders.list / (sendMs / 1000)]),
          extra: { total: renders.list, updatesPerSecond: updates / (sendMs / 1000) },
        })
        rows.push({
          case: 'React: useOthers(count) renders while peers only move',
          transport: 'memory',
          nodes: p.peers,
          unit: 'renders',
          stats: summarize([renders.count]),
          target: { text: '0', pass: renders.count === 0 },
        })
        ctx.log(
          `presence: p50 ${stats.median.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms over ${latencies.length} samples; list ${renders.list} renders, count ${renders.count}`,
        )
      } finally {
        root?.unmount()
        for (const r of rooms) r.close()
        await Promise.all(nets.map((n) => n.stop()))
        for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve))
        uninstall()
      }
    })
    return { rows, params: { ...p, reactBuild } }
  },
}
