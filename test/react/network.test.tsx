// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's cell
/**
 * The hooks over real networks on the memory transport, each peer under its own
 * NetworkProvider in one React tree, in StrictMode: a click on one peer re-renders a reader
 * on the other; render counts; one group for 200 components (telemetry); unmount leaves the
 * group; Suspense. Prints render counts and write-to-render latency.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { type ReactNode, Suspense, useLayoutEffect, useRef } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type CellDef, defineCell } from '../../src/collections/index.js'
import { withTimeout } from '../../src/core/async.js'
import { UniqueId } from '../../src/core/id.js'
import type { TelemetryEvent } from '../../src/core/telemetry.js'
import { Network } from '../../src/network/network.js'
import {
  type CellWriterState,
  cellHandleStats,
  NetworkProvider,
  useCellReader,
  useCellValue,
  useCellWriter,
  useSuspenseCell,
} from '../../src/react/index.js'
import { bound } from '../helpers/bounds.js'
import { allKnowEachOther, until } from '../network/helpers.js'
import { Commits, Counted, Strict } from './helpers/render.js'
import { afterPendingTimers } from './helpers/timers.js'

/** Short consensus timings: a leader in well under a second. */
const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }
const GRACE = 50
const WAIT = { timeout: bound(10_000) }
const t0 = performance.now()

let a: Network
let b: Network

beforeAll(async () => {
  const network = `react-${UniqueId.random().short()}`
  a = await Network.create({ network, transport: 'memory' })
  b = await Network.create({ network, transport: 'memory', bootstrap: a.addresses() })
  await until([a, b], 'the two networks to discover each other', () => allKnowEachOther([a, b]))
})
afterEach(() => cleanup())
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await afterPendingTimers()
  console.log(`react/network.test: ${(performance.now() - t0).toFixed(0)} ms`)
})

function freshCell<T>(): CellDef<T> {
  return defineCell<T>(UniqueId.random().toString(), { typeName: 'test', consensus: FAST })
}

/** Two peers, each under its own provider, side by side in one tree. */
function TwoPeers({ left, right }: { left: ReactNode; right: ReactNode }) {
  return (
    <Strict>
      <NetworkProvider network={a} gracePeriod={GRACE}>
        {left}
      </NetworkProvider>
      <NetworkProvider network={b} gracePeriod={GRACE}>
        {right}
      </NetworkProvider>
    </Strict>
  )
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}

/** Where a test component hands its latest state to the test. */
interface Slot<S> {
  current?: S
}

/** A writer that shows whether its cell is online (test id `id`) and hands its state to the test. */
function OnlineWriter<T>({
  cell,
  into,
  id = 'online',
}: {
  cell: CellDef<T>
  into: Slot<CellWriterState<T>>
  id?: string
}) {
  const w = useCellWriter(cell)
  into.current = w
  return <span data-testid={id}>{String(w.online)}</span>
}

/** Waits until the `OnlineWriter` with test id `id` is online; returns its state. */
async function onlineWriter<T>(into: Slot<CellWriterState<T>>, id = 'online'): Promise<CellWriterState<T>> {
  await waitFor(() => expect(screen.getByTestId(id).textContent).toBe('true'), WAIT)
  return into.current as CellWriterState<T>
}

describe('two providers on the memory transport', () => {
  it("a writer's click on one peer re-renders a reader on the other (and measures the latency)", async () => {
    const cell = freshCell<number>()
    const commits = new Commits()
    let clickedAt = 0
    const latencies: number[] = []
    const failures: unknown[] = []
    function Writer() {
      const w = useCellWriter(cell)
      return (
        <button
          type="button"
          data-testid="inc"
          disabled={!w.online}
          onClick={() => {
            clickedAt = performance.now()
            w.write((w.pendingValue ?? w.value ?? 0) + 1).catch((err: unknown) => failures.push(err))
          }}
        >
          {w.value ?? 0}
        </button>
      )
    }
    function Reader() {
      const { value } = useCellReader(cell)
      const last = useRef(value)
      useLayoutEffect(() => {
        if (value !== last.current && clickedAt > 0) latencies.push(performance.now() - clickedAt)
        last.current = value
      }, [value])
      return <output data-testid="read">{value ?? 0}</output>
    }
    render(
      <TwoPeers
        left={<Writer />}
        right={
          <Counted id="reader" commits={commits}>
            <Reader />
          </Counted>
        }
      />,
    )
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>('inc').disabled).toBe(false), WAIT)
    commits.reset()
    const writes = 20
    for (let i = 1; i <= writes; i++) {
      act(() => screen.getByTestId('inc').click())
      await waitFor(() => expect(screen.getByTestId('read').textContent).toBe(String(i)), {
        ...WAIT,
        interval: 5,
      })
    }
    expect(failures).toEqual([])
    expect(latencies).toHaveLength(writes)
    console.log(
      `write-to-render latency A->B over memory (${writes} clicks): median ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    )
    console.log(`render counts: reader reading only value, ${writes} writes -> ${commits.get('reader')} commits`)
    expect(commits.get('reader')).toBe(writes)
  })

  it('renders 0 times for writes that leave the selected slice unchanged', async () => {
    const cell = freshCell<{ title: string; clicks: number }>()
    const commits = new Commits()
    const writer: Slot<CellWriterState<{ title: string; clicks: number }>> = {}
    function Title() {
      const title = useCellValue(cell, (v) => v?.title)
      return <h1 data-testid="title">{title}</h1>
    }
    render(
      <TwoPeers
        left={<OnlineWriter cell={cell} into={writer} />}
        right={
          <Counted id="title" commits={commits}>
            <Title />
          </Counted>
        }
      />,
    )
    const w = await onlineWriter(writer)
    await act(() => w.write({ title: 'hello', clicks: 0 }))
    await waitFor(() => expect(screen.getByTestId('title').textContent).toBe('hello'), WAIT)
    // A plain handle on B (it shares B's replica with the hook) tells when B applied a version.
    const probe = cell.reader(b)
    commits.reset()
    let version = 0
    for (let i = 1; i <= 10; i++) version = await act(() => w.write({ title: 'hello', clicks: i }))
    await act(() => withTimeout(probe.when.reaches(version), bound(10_000), `B to apply version ${version}`))
    await probe.close()
    const unchanged = commits.get('title')
    await act(() => w.write({ title: 'bye', clicks: 11 }))
    await waitFor(() => expect(screen.getByTestId('title').textContent).toBe('bye'), WAIT)
    console.log(
      `render counts over memory: useCellValue slice unchanged x10 -> ${unchanged}, changed x1 -> ${commits.get('title')}`,
    )
    expect(unchanged).toBe(0)
    expect(commits.get('title')).toBe(1)
  })

  it('200 components on one cell share one group (telemetry); unmount leaves it and leaves no timers', async () => {
    const cell = freshCell<number>()
    const store = cell.storeId.toString()
    const events: TelemetryEvent[] = []
    const off = b.onTelemetry((e) => {
      if (e.type === 'group.joined' || e.type === 'group.left') events.push(e)
    })
    const writer: Slot<CellWriterState<number>> = {}
    function R({ i }: { i: number }) {
      return <i data-testid={`r${i}`}>{useCellReader(cell).value ?? '-'}</i>
    }
    const view = render(
      <TwoPeers
        left={<OnlineWriter cell={cell} into={writer} />}
        right={Array.from({ length: 200 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list
          <R key={i} i={i} />
        ))}
      />,
    )
    const w = await onlineWriter(writer)
    await act(() => w.write(42))
    await waitFor(() => expect(screen.getByTestId('r199').textContent).toBe('42'), WAIT)
    const joined = events.filter((e) => e.type === 'group.joined' && e.store === store)
    expect(joined).toHaveLength(1)
    expect(cellHandleStats(b)).toEqual({ handles: 1, timers: 0, refs: 200 })
    const group = (joined[0] as { group: string }).group
    view.unmount()
    await until([b], 'B to leave the group after the grace period', () =>
      events.some((e) => e.type === 'group.left' && e.group === group),
    )
    off()
    expect(cellHandleStats(b)).toEqual({ handles: 0, timers: 0, refs: 0 })
    expect(cellHandleStats(a)).toEqual({ handles: 0, timers: 0, refs: 0 })
  })

  it('update() from writers on both peers applies every increment exactly once', async () => {
    const cell = freshCell<number>()
    const writers: [Slot<CellWriterState<number>>, Slot<CellWriterState<number>>] = [{}, {}]
    render(
      <TwoPeers
        left={<OnlineWriter cell={cell} into={writers[0]} id="online0" />}
        right={<OnlineWriter cell={cell} into={writers[1]} id="online1" />}
      />,
    )
    const w0 = await onlineWriter(writers[0], 'online0')
    const w1 = await onlineWriter(writers[1], 'online1')
    const perPeer = 10
    const started = performance.now()
    const versions = await act(() =>
      Promise.all(
        Array.from({ length: perPeer }, () => [
          w0.update((n) => (n ?? 0) + 1, { attempts: 12 }),
          w1.update((n) => (n ?? 0) + 1, { attempts: 12 }),
        ]).flat(),
      ),
    )
    const last = Math.max(...versions)
    const probe = cell.reader(a)
    await act(() => withTimeout(probe.when.reaches(last), bound(10_000), `A to apply version ${last}`))
    console.log(
      `update(): ${2 * perPeer} concurrent increments from 2 peers in ${(performance.now() - started).toFixed(0)} ms -> ${probe.read()}`,
    )
    expect(probe.read()).toBe(2 * perPeer)
    await probe.close()
  })

  it('Suspense: a reader on the other peer suspends until its cell is online and caught up', async () => {
    const cell = freshCell<string>()
    const writer: Slot<CellWriterState<string>> = {}
    function Loaded() {
      const { value, status } = useSuspenseCell(cell)
      return <p data-testid="loaded">{`${status}:${value ?? 'empty'}`}</p>
    }
    // The writer commits first; the reader mounts later and must catch up before it shows.
    const view = render(<TwoPeers left={<OnlineWriter cell={cell} into={writer} />} right={null} />)
    const w = await onlineWriter(writer)
    await act(() => w.write('from A'))
    view.rerender(
      <TwoPeers
        left={<OnlineWriter cell={cell} into={writer} />}
        right={
          <Suspense fallback={<p data-testid="fallback">loading</p>}>
            <Loaded />
          </Suspense>
        }
      />,
    )
    expect(screen.getByTestId('fallback')).toBeTruthy()
    await waitFor(() => expect(screen.getByTestId('loaded').textContent).toBe('online:from A'), WAIT)
  })

  it('two providers that own their networks meet through a bootstrap address and share a cell', async () => {
    const name = `react-own-${UniqueId.random().short()}`
    const address = `/memory/${name}-a`
    const cell = freshCell<string>()
    const writer: Slot<CellWriterState<string>> = {}
    function Reader() {
      return <span data-testid="own-read">{useCellReader(cell).value ?? '-'}</span>
    }
    const view = render(
      <Strict>
        <NetworkProvider options={{ network: name, transport: 'memory', listen: [address] }} fallback={null}>
          <OnlineWriter cell={cell} into={writer} />
        </NetworkProvider>
        <NetworkProvider options={{ network: name, transport: 'memory', bootstrap: [address] }} fallback={null}>
          <Reader />
        </NetworkProvider>
      </Strict>,
    )
    const w = await onlineWriter(writer)
    await act(() => w.write('owned'))
    await waitFor(() => expect(screen.getByTestId('own-read').textContent).toBe('owned'), WAIT)
    view.unmount()
  })

  // Handles of one cell on one network share one replica: a reader rendered first makes the
  // peer an observer, and the writer that follows must upgrade it (Group.setPreference), or a
  // lone writer could never lead and every write would fail `offline`.
  it('a reader rendered before a writer on the same peer does not stop the writer from committing', async () => {
    const cell = defineCell<number>(UniqueId.random().toString(), { consensus: FAST, writeTimeout: 1500 })
    const net = await Network.create({ network: `react-order-${UniqueId.random().short()}`, transport: 'memory' })
    let writer: CellWriterState<number> | undefined
    function Reader() {
      return <span>{useCellReader(cell).value}</span>
    }
    function Writer() {
      writer = useCellWriter(cell)
      return null
    }
    try {
      render(
        <Strict>
          <NetworkProvider network={net} gracePeriod={GRACE}>
            <Reader />
            <Writer />
          </NetworkProvider>
        </Strict>,
      )
      // Online first (an event, bounded by WAIT), so the write's 1.5 s timeout measures the
      // commit alone, not also an election on a loaded machine.
      await waitFor(() => expect(writer?.online, 'the writer to lead its cell').toBe(true), WAIT)
      const version = await act(() => (writer as CellWriterState<number>).write(1))
      expect(version).toBeGreaterThan(0)
    } finally {
      cleanup()
      await net.stop()
    }
  })
})
