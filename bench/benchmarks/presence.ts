/**
 * Presence at scale, on the memory transport, every peer in this one process:
 *
 * 1. **One tab's view of a 50-peer room**: 49 peers move their cursors at 20 Hz; one
 *    observer renders the room with React (production build, StrictMode): a `usePresence`
 *    list, a `useOthers(count)` badge and one `useOthers` cursor per peer. Measured: from
 *    the sender's `trySend` to the observer's cursor committing it (the presence carries the
 *    sender's `performance.now()`; one process, one clock), and renders per component. The
 *    senders only produce, so the process does what one tab of a real room does (receive
 *    49 × 20 updates a second) plus the senders' side.
 * 2. **All-to-all**: N peers (default 10) each produce and consume at 20 Hz with
 *    `PresenceRoom` (N × (N−1) × 20 deliveries a second in one event loop); latency from
 *    `update()` to every other peer's store.
 *
 * Targets: p99 ≤ 250 ms; the count badge never re-renders for moves; a cursor renders at
 * most once per update of its peer. Presence samples (`drop-oldest`): under overload,
 * stale positions are dropped (counted as `delivered` < `sent`) rather than queued.
 */
import { Network } from '../../src/network/network.js'
import { PresenceRoom, presenceStreamId } from '../../src/streams/presence.js'
import { installDom } from '../lib/dom.js'
import type { BenchContext, Benchmark, Row } from '../lib/harness.js'
import { now, sleep, summarize, until } from '../lib/stats.js'

type Cursor = { x: number; y: number; t: number }

type ReactModule = typeof import('react')
type Hooks = typeof import('../../src/react/index.js')
let R: ReactModule | undefined
let hooks: Hooks | undefined
const renders = { list: 0, count: 0, shown: 0, cursors: new Map<string, number>() }
/** update → rendered latencies, recorded by the observer's per-peer cursors. */
const rendered: number[] = []

function List({ room }: { room: string }) {
  hooks!.usePresence<Cursor>(room, { x: 0, y: 0, t: 0 })
  renders.list++
  return null
}

function Count({ room }: { room: string }) {
  const n = hooks!.useOthers<Cursor, number>(room, (o) => o.length)
  renders.count++
  renders.shown = n
  return R!.createElement('span', null, n)
}

function PeerCursor({ room, peer }: { room: string; peer: string }) {
  const p = hooks!.useOthers<Cursor, Cursor | undefined>(room, (o) => o.find((x) => x.peer === peer)?.presence)
  renders.cursors.set(peer, (renders.cursors.get(peer) ?? 0) + 1)
  R!.useLayoutEffect(() => {
    if (p && p.t > 0) rendered.push(now() - p.t)
  }, [p])
  return R!.createElement('i', null, p ? `${p.x},${p.y}` : '')
}

async function meshed(nets: Network[], ctx: BenchContext, onlyTo?: Network): Promise<void> {
  for (let i = 0; i < nets.length; i++) {
    const targets = onlyTo ? (nets[i] === onlyTo ? [] : [onlyTo]) : nets.slice(i + 1)
    await Promise.all(targets.map((n) => nets[i]!.dial(n.addresses())))
  }
  ctx.log(`presence: ${nets.length} peers dialed`)
}

/** Ticks at `hz` for `seconds`, calling `tick(k, t)`; returns the time it took. */
async function drive(hz: number, seconds: number, tick: (k: number, t: number) => void): Promise<number> {
  const period = 1000 / hz
  const start = now()
  for (let k = 1; k <= hz * seconds; k++) {
    tick(k, now())
    const wait = start + k * period - now()
    if (wait > 0) await sleep(wait)
  }
  return now() - start
}

export const presence: Benchmark = {
  name: 'presence',
  title: 'presence: 50 peers moving cursors at 20 Hz (latency, renders)',
  async run(ctx) {
    const p = ctx.pick({
      full: {
        roomPeers: Number(process.env.BENCH_PRESENCE_ROOM ?? 50),
        meshPeers: Number(process.env.BENCH_PRESENCE_MESH ?? 10),
        hz: 20,
        seconds: 5,
      },
      smoke: { roomPeers: 4, meshPeers: 3, hz: 20, seconds: 1 },
    })
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
    const ticks = p.hz * p.seconds

    await ctx.attempt(`presence: one tab of a ${p.roomPeers}-peer room`, async () => {
      const name = `bench-presence-${Math.random().toString(16).slice(2, 10)}`
      const room = 'bench-room'
      const observer = await Network.create({ network: name, transport: 'memory' })
      const senders: Network[] = []
      let uninstall = () => {}
      let root: ReturnType<typeof createRoot> | undefined
      try {
        for (let i = 1; i < p.roomPeers; i++)
          senders.push(await Network.create({ network: name, transport: 'memory', discovery: { dialPeers: false } }))
        await meshed([observer, ...senders], ctx, observer)
        const producers = senders.map((n) =>
          n.streams.produce<{ p: Cursor }>(presenceStreamId(room), {
            onLagging: 'drop-oldest',
            window: 16,
            bufferSize: 2,
          }),
        )
        uninstall = installDom()
        root = createRoot(document.createElement('div'))
        root.render(
          React.createElement(
            React.StrictMode,
            null,
            React.createElement(h.NetworkProvider, {
              network: observer,
              children: [
                React.createElement(List, { key: 'list', room }),
                React.createElement(Count, { key: 'count', room }),
                ...senders.map((n) => React.createElement(PeerCursor, { key: n.peerId, room, peer: n.peerId })),
              ],
            }),
          ),
        )
        await until(
          120_000,
          'every sender to be subscribed by the observer',
          () => producers.every((x) => x.isOnline()),
          20,
        )
        for (const x of producers) x.trySend({ p: { x: 0, y: 0, t: 0 } })
        await until(30_000, 'the observer to show every sender', () => renders.shown === senders.length, 20)
        renders.list = 0
        renders.count = 0
        renders.cursors.clear()
        rendered.length = 0
        let sent = 0
        const sendMs = await drive(p.hz, p.seconds, (k, t) => {
          for (const x of producers) if (x.trySend({ p: { x: k, y: k, t } })) sent++
        })
        await until(
          10_000,
          'the last move rendered',
          () => rendered.length > 0 && [...renders.cursors.values()].length === senders.length,
          10,
        )
        await sleep(200)
        const stats = summarize(rendered)
        rows.push({
          case: `sender → observer's cursor rendered (${p.roomPeers} peers, ${p.hz} Hz)`,
          transport: 'memory',
          nodes: p.roomPeers,
          unit: 'ms',
          stats,
          target: { text: 'p99 ≤ 250 ms', pass: stats.p99 <= 250 },
          extra: { sent, rendered: rendered.length, sendMs, reactBuild, strictMode: true },
        })
        const perCursor = summarize([...renders.cursors.values()].map((n) => n / ticks))
        rows.push({
          case: 'observer: per-peer cursor renders per update of that peer',
          transport: 'memory',
          nodes: p.roomPeers,
          unit: 'renders',
          stats: perCursor,
          target: { text: '≤ 1', pass: perCursor.max <= 1 },
        })
        rows.push({
          case: 'observer: usePresence list renders per second',
          transport: 'memory',
          nodes: p.roomPeers,
          unit: 'renders/s',
          stats: summarize([renders.list / (sendMs / 1000)]),
          extra: { total: renders.list, updatesPerSecond: sent / (sendMs / 1000) },
        })
        rows.push({
          case: 'observer: useOthers(count) renders while peers only move',
          transport: 'memory',
          nodes: p.roomPeers,
          unit: 'renders',
          stats: summarize([renders.count]),
          target: { text: '0', pass: renders.count === 0 },
        })
        ctx.log(
          `presence room: p50 ${stats.median.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms; ${rendered.length}/${sent} rendered; list ${renders.list}, count ${renders.count}`,
        )
      } finally {
        root?.unmount()
        await Promise.all([observer, ...senders].map((n) => n.stop()))
        for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve))
        uninstall()
      }
    })

    await ctx.attempt(`presence: ${p.meshPeers} peers all-to-all`, async () => {
      const name = `bench-presence-${Math.random().toString(16).slice(2, 10)}`
      const nets: Network[] = []
      const rooms: PresenceRoom<Cursor>[] = []
      try {
        for (let i = 0; i < p.meshPeers; i++) nets.push(await Network.create({ network: name, transport: 'memory' }))
        await meshed(nets, ctx)
        for (const n of nets) rooms.push(new PresenceRoom<Cursor>(n, 'bench-room', { x: 0, y: 0, t: 0 }))
        await until(
          120_000,
          'every room to see every other peer',
          () => rooms.every((r) => r.getSnapshot().others.length === p.meshPeers - 1),
          50,
        )
        const latencies: number[] = []
        for (const r of rooms) {
          let last = r.getSnapshot().others
          r.subscribe(() => {
            const next = r.getSnapshot().others
            const at = now()
            for (const o of next) if (!last.includes(o) && o.presence.t > 0) latencies.push(at - o.presence.t)
            last = next
          })
        }
        const sendMs = await drive(p.hz, p.seconds, (k, t) => {
          for (const r of rooms) r.update({ x: k, y: k, t })
        })
        await until(
          10_000,
          'the last move to reach every peer',
          () => rooms.every((r) => r.getSnapshot().others.every((o) => o.presence.x === ticks)),
          10,
        )
        const stats = summarize(latencies)
        rows.push({
          case: `all-to-all: update → every other peer's store (${p.meshPeers} peers, ${p.hz} Hz)`,
          transport: 'memory',
          nodes: p.meshPeers,
          unit: 'ms',
          stats,
          target: { text: 'p99 ≤ 250 ms', pass: stats.p99 <= 250 },
          extra: { delivered: latencies.length, sent: ticks * p.meshPeers * (p.meshPeers - 1), sendMs },
        })
        ctx.log(`presence all-to-all: p50 ${stats.median.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms`)
      } finally {
        for (const r of rooms) r.close()
        await Promise.all(nets.map((n) => n.stop()))
      }
    })
    return { rows, params: { ...p, reactBuild } }
  },
}
