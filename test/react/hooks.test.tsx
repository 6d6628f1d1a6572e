// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over the cell of their test
/**
 * The hooks over stand-in cells (test/react/helpers/fakes.ts): render discipline, shared
 * handles, pending state, errors, Suspense. Real networks: network.test.tsx.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { type ReactNode, Suspense, useEffect, useState } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CellError } from '../../src/core/errors.js'
import {
  type CellDefLike,
  type CellState,
  type CellWriterState,
  cellHandleStats,
  NetworkProvider,
  useCellReader,
  useCellValue,
  useCellWriter,
  useNetwork,
  useSuspenseCell,
} from '../../src/react/index.js'
import { bound } from '../helpers/bounds.js'
import { fakeCell, fakeNetwork } from './helpers/fakes.js'
import { Boundary, Commits, Counted, Strict } from './helpers/render.js'

afterEach(() => {
  cleanup()
})

const GRACE = 20

function Providing({ net, children }: { net: ReturnType<typeof fakeNetwork>; children: ReactNode }) {
  return (
    <Strict>
      <NetworkProvider network={net} gracePeriod={GRACE}>
        {children}
      </NetworkProvider>
    </Strict>
  )
}

describe('outside a provider', () => {
  it.each([
    ['useNetwork', () => useNetwork()],
    ['useCellReader', () => useCellReader('x')],
    ['useCellWriter', () => useCellWriter('x')],
    ['useCellValue', () => useCellValue('x', (v) => v)],
  ])('%s throws an error that says to wrap the app in <NetworkProvider>', (name, hook) => {
    const errors: Error[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    function Uses() {
      hook()
      return null
    }
    render(
      <Strict>
        <Boundary onError={(e) => errors.push(e)}>
          <Uses />
        </Boundary>
      </Strict>,
    )
    spy.mockRestore()
    expect(errors[0]?.message).toMatch(new RegExp(`^${name} must be used inside <NetworkProvider>`))
    expect(errors[0]?.message).toContain('<NetworkProvider options={{ network:')
  })
})

describe('re-render discipline', () => {
  it('useCellValue re-renders 0 times when a write leaves the selected slice unchanged', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<{ a: number; b: number }>()
    cell.group.value = { a: 1, b: 1 }
    const commits = new Commits()
    function A() {
      const a = useCellValue(cell, (v) => v?.a)
      return <span data-testid="a">{a}</span>
    }
    render(
      <Providing net={net}>
        <Counted id="a" commits={commits}>
          <A />
        </Counted>
      </Providing>,
    )
    expect(screen.getByTestId('a').textContent).toBe('1')
    commits.reset()
    act(() => cell.group.remoteWrite({ a: 1, b: 2 }))
    act(() => cell.group.remoteWrite({ a: 1, b: 3 }))
    act(() => cell.group.setOnline(false))
    const unchanged = commits.get('a')
    act(() => cell.group.remoteWrite({ a: 2, b: 3 }))
    const changed = commits.get('a')
    console.log(`render counts: useCellValue, slice unchanged x3 -> ${unchanged}, slice changed x1 -> ${changed}`)
    expect(unchanged).toBe(0)
    expect(changed).toBe(1)
    expect(screen.getByTestId('a').textContent).toBe('2')
  })

  it('useCellReader re-renders only for the fields a component read', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    cell.group.value = 1
    const commits = new Commits()
    function ValueOnly() {
      const { value } = useCellReader(cell)
      return <span data-testid="v">{value}</span>
    }
    function StatusOnly() {
      const { status } = useCellReader(cell)
      return <span data-testid="s">{status}</span>
    }
    function WriteOnly() {
      const { write } = useCellWriter(cell)
      return (
        <button type="button" onClick={() => void write(9)}>
          write
        </button>
      )
    }
    render(
      <Providing net={net}>
        <Counted id="value" commits={commits}>
          <ValueOnly />
        </Counted>
        <Counted id="status" commits={commits}>
          <StatusOnly />
        </Counted>
        <Counted id="writeonly" commits={commits}>
          <WriteOnly />
        </Counted>
      </Providing>,
    )
    expect(screen.getByTestId('s').textContent).toBe('online')
    commits.reset()
    act(() => cell.group.setOnline(false))
    act(() => cell.group.setOnline(true, 'another-leader'))
    expect(commits.get('value')).toBe(0)
    expect(commits.get('status')).toBe(2)
    act(() => cell.group.remoteWrite(2))
    expect(commits.get('value')).toBe(1)
    expect(commits.get('status')).toBe(2)
    expect(commits.get('writeonly')).toBe(0)
    expect(screen.getByTestId('v').textContent).toBe('2')
  })

  it('a field first read in an event handler is current, not the value of the last render', () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    cell.group.value = 1
    const commits = new Commits()
    const sent: number[] = []
    function Inc() {
      const counter = useCellWriter(cell)
      return (
        <button type="button" data-testid="inc" onClick={() => sent.push((counter.value ?? 0) + 1)}>
          +1
        </button>
      )
    }
    render(
      <Providing net={net}>
        <Counted id="inc" commits={commits}>
          <Inc />
        </Counted>
      </Providing>,
    )
    commits.reset()
    act(() => cell.group.remoteWrite(5))
    expect(commits.get('inc')).toBe(0)
    act(() => screen.getByTestId('inc').click())
    act(() => cell.group.remoteWrite(7))
    act(() => screen.getByTestId('inc').click())
    expect(sent).toEqual([6, 8])
    // Reading `value` in the handler tracked it: the second remote write re-rendered the button.
    expect(commits.get('inc')).toBe(1)
  })

  it('keeps function identity across renders and state identity while nothing visible changed', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    const seen: CellWriterState<number>[] = []
    let bump: () => void = () => {}
    function W({ n }: { n: number }) {
      const state = useCellWriter(cell)
      useEffect(() => {
        seen.push(state)
      })
      void state.value
      return <span>{n}</span>
    }
    function Parent() {
      const [n, setN] = useStateCounter()
      bump = setN
      return <W n={n} />
    }
    render(
      <Providing net={net}>
        <Parent />
      </Providing>,
    )
    act(() => bump())
    act(() => bump())
    const first = seen[0] as CellWriterState<number>
    expect(seen.length).toBeGreaterThanOrEqual(3)
    for (const s of seen) {
      expect(s).toBe(first)
      expect(s.write).toBe(first.write)
    }
    await act(() => first.write(5))
    const last = seen.at(-1) as CellWriterState<number>
    expect(last).not.toBe(first)
    expect(last.value).toBe(5)
    for (const k of ['write', 'set', 'compareExchange', 'clear', 'update'] as const) expect(last[k]).toBe(first[k])
  })
})

function useStateCounter(): [number, () => void] {
  const [n, setN] = useState(0)
  return [n, () => setN((x) => x + 1)]
}

describe('shared handles', () => {
  it('200 components on one cell share one handle, closed a grace period after the last unmount', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    cell.group.value = 7
    function R({ i }: { i: number }) {
      const { value } = useCellReader(cell)
      return <i data-testid={`r${i}`}>{value}</i>
    }
    const view = render(
      <Providing net={net}>
        {Array.from({ length: 200 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list
          <R key={i} i={i} />
        ))}
      </Providing>,
    )
    expect(screen.getByTestId('r199').textContent).toBe('7')
    expect(cell.group.opened).toBe(1)
    expect(cellHandleStats(net)).toEqual({ handles: 1, timers: 0, refs: 200 })
    view.unmount()
    expect(cellHandleStats(net)).toMatchObject({ handles: 1, timers: 1, refs: 0 })
    await waitFor(() => expect(cell.group.closed).toBe(1), { timeout: bound(2000) })
    expect(cellHandleStats(net)).toEqual({ handles: 0, timers: 0, refs: 0 })
  })

  it('a remount within the grace period reuses the handle (StrictMode and fast remounts do not churn)', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    function R() {
      return <span>{useCellReader(cell).status}</span>
    }
    const a = render(
      <Providing net={net}>
        <R />
      </Providing>,
    )
    a.unmount()
    render(
      <Providing net={net}>
        <R />
      </Providing>,
    )
    expect(cell.group.opened).toBe(1)
    expect(cell.group.closed).toBe(0)
    expect(cellHandleStats(net)).toEqual({ handles: 1, timers: 0, refs: 1 })
  })

  it('readers and writers of one cell hold one handle per role', () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    function Both() {
      useCellReader(cell)
      useCellValue(cell, (v) => v)
      useCellWriter(cell)
      useCellWriter(cell)
      return null
    }
    render(
      <Providing net={net}>
        <Both />
        <Both />
      </Providing>,
    )
    expect(cell.group.opened).toBe(2)
    expect(cellHandleStats(net)).toEqual({ handles: 2, timers: 0, refs: 8 })
  })

  it('network stop closes every handle: status closed, error network-down, no timers', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    let state: CellState<number> | undefined
    function R() {
      state = useCellReader(cell)
      void state.status
      void state.error
      return null
    }
    render(
      <Providing net={net}>
        <R />
      </Providing>,
    )
    await act(() => net.stop())
    expect(state?.status).toBe('closed')
    expect(state?.error).toBeInstanceOf(CellError)
    expect(state?.error?.kind).toBe('network-down')
    expect(cell.group.closed).toBe(1)
    expect(cellHandleStats(net)).toEqual({ handles: 0, timers: 0, refs: 1 })
  })
})

/** Mounts one component holding `useCellWriter(cell)` under `net`'s provider; `onRender` sees every render's state. */
function mountWriter<T>(
  net: ReturnType<typeof fakeNetwork>,
  cell: CellDefLike<T>,
  onRender: (w: CellWriterState<T>) => void = () => {},
): () => CellWriterState<T> {
  let latest: CellWriterState<T> | undefined
  function W() {
    latest = useCellWriter(cell)
    onRender(latest)
    return null
  }
  render(
    <Providing net={net}>
      <W />
    </Providing>,
  )
  return () => latest as CellWriterState<T>
}

describe('writes', () => {
  it('pending and pendingValue show a write in flight; the value follows the commit', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<string>()
    const log: string[] = []
    const w = mountWriter(net, cell, (s) => log.push(`${s.pending}/${s.pendingValue ?? '-'}/${s.value ?? '-'}`))
    const version = await act(() => w().write('hello'))
    expect(version).toBe(1)
    expect(w().pending).toBe(0)
    expect(w().pendingValue).toBeUndefined()
    expect(w().value).toBe('hello')
    expect(log).toContain('1/hello/-')
  })

  it('a failed write rejects with CellError for the caller and shows in error; the next success clears it', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    cell.group.online = false
    const w = mountWriter(net, cell, (s) => void s.error)
    const caught = await act(() =>
      w()
        .write(1)
        .catch((e: unknown) => e),
    )
    expect(caught).toBeInstanceOf(CellError)
    expect((caught as CellError<number>).kind).toBe('offline')
    expect((caught as CellError<number>).value).toBe(1)
    expect(w().error).toBe(caught)
    act(() => cell.group.setOnline(true))
    await act(() => w().write(2))
    expect(w().error).toBeUndefined()
  })

  it('update retries a lost compare-exchange and applies fn once per win', async () => {
    const netA = fakeNetwork()
    const netB = fakeNetwork()
    const cell = fakeCell<number>()
    const a = mountWriter(netA, cell)
    const b = mountWriter(netB, cell)
    await act(() =>
      Promise.all([
        ...Array.from({ length: 3 }, () => a().update((n) => (n ?? 0) + 1)),
        ...Array.from({ length: 3 }, () => b().update((n) => (n ?? 0) + 1)),
      ]),
    )
    expect(cell.group.value).toBe(6)
  })

  it('update rejects with the last error when it cannot win', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    cell.group.value = 0
    const commit = cell.group.commit.bind(cell.group)
    // Another writer always gets in first.
    cell.group.commit = (apply, sent) => {
      cell.group.remoteWrite((cell.group.value ?? 0) + 100)
      return commit(apply, sent)
    }
    const w = mountWriter(net, cell)
    const caught = await act(() =>
      w()
        .update((n) => (n ?? 0) + 1, { attempts: 3 })
        .catch((e: unknown) => e),
    )
    expect(caught).toBeInstanceOf(CellError)
    expect((caught as Error).message).toMatch(/lost the compare-exchange to another writer 3 time/)
    expect(cell.group.value).toBe(300)
  })

  it('writes on a closed cell reject with network-down', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    const w = mountWriter(net, cell)
    await act(() => net.stop())
    await expect(w().write(1)).rejects.toMatchObject({ kind: 'network-down' })
  })
})

describe('Suspense', () => {
  it('suspends until the cell is online, then renders', async () => {
    const net = fakeNetwork()
    const cell = fakeCell<string>()
    cell.group.online = false
    cell.group.value = 'ready'
    function S() {
      const { value } = useSuspenseCell(cell)
      return <span data-testid="s">{value}</span>
    }
    render(
      <Providing net={net}>
        <Suspense fallback={<span data-testid="loading">loading</span>}>
          <S />
        </Suspense>
      </Providing>,
    )
    expect(screen.getByTestId('loading')).toBeTruthy()
    act(() => cell.group.setOnline(true))
    await waitFor(() => expect(screen.getByTestId('s').textContent).toBe('ready'), { timeout: bound(2000) })
    expect(cell.group.opened).toBe(1)
  })

  it('never suspends when the cell is already online', () => {
    const net = fakeNetwork()
    const cell = fakeCell<string>()
    cell.group.value = 'here'
    let fallbacks = 0
    function Fallback() {
      fallbacks++
      return null
    }
    function S() {
      return <span data-testid="s">{useCellReader(cell, { suspense: true }).value}</span>
    }
    render(
      <Providing net={net}>
        <Suspense fallback={<Fallback />}>
          <S />
        </Suspense>
      </Providing>,
    )
    expect(screen.getByTestId('s').textContent).toBe('here')
    expect(fallbacks).toBe(0)
  })
})
