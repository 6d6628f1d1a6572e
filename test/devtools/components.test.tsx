// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { Profiler, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GroupTable } from '../../src/devtools/components/group-table.js'
import { LeaderBadge } from '../../src/devtools/components/leader-badge.js'
import { MosaikDevtoolsPanel as MosaikDevtools } from '../../src/devtools/components/mosaik-devtools.js'
import { PeerMesh } from '../../src/devtools/components/peer-mesh.js'
import { VersionTimeline } from '../../src/devtools/components/version-timeline.js'
import { createDevtoolsStore, devtoolsStoreFor } from '../../src/devtools/store.js'
import { SyntheticCluster } from '../../src/devtools/synthetic.js'
import type { Network } from '../../src/network/index.js'
import { NetworkProvider } from '../../src/react/index.js'

beforeEach(() => localStorage.clear())
afterEach(cleanup)

function flushAll(cluster: SyntheticCluster) {
  act(() => {
    for (const n of cluster.nodes) devtoolsStoreFor(n).flush()
  })
}

describe('devtools components', () => {
  it('shows the leader of a group fed by several in-page networks', () => {
    const cluster = new SyntheticCluster({ writers: 3, readers: 2 })
    const store = createDevtoolsStore({ flushInterval: 0 })
    render(
      <StrictMode>
        <LeaderBadge storeId="synthetic.cell" store={store} />
        <MosaikDevtools store={store} networks={cluster.nodes} initialIsOpen />
      </StrictMode>,
    )
    // Attached only once mounted, so the cluster starts after render.
    act(() => cluster.start())
    const badge = screen.getAllByTestId('mosaik-leader-badge')[0]!
    expect(badge.dataset.leader).toBe(cluster.nodes[0]!.peerId)
    expect(screen.getAllByTestId('mosaik-group-row')).toHaveLength(5)
    const mesh = screen.getByTestId('mosaik-peer-mesh')
    expect(mesh.querySelectorAll('[data-observer="true"]')).toHaveLength(2)
    act(() => cluster.failover())
    expect(badge.dataset.leader).toBe(cluster.nodes[1]!.peerId)
    expect(mesh.querySelectorAll('line[data-up="false"]').length).toBeGreaterThan(0)
  })

  it('makes a revert impossible to miss: a red banner, a red table row and a red closed toggle', () => {
    const cluster = new SyntheticCluster({ writers: 3 })
    const store = createDevtoolsStore({ flushInterval: 0 })
    render(
      <StrictMode>
        <GroupTable store={store} networks={cluster.nodes} />
        <MosaikDevtools store={store} storageKey="loss" initialIsOpen />
      </StrictMode>,
    )
    act(() => cluster.start())
    act(() => cluster.write(3))
    expect(screen.queryByTestId('mosaik-data-loss')).toBeNull()
    expect(screen.queryByTestId('mosaik-data-loss-row')).toBeNull()
    // A replica that had committed 3 entries rolls back to version 1: 2 committed entries are gone.
    act(() => cluster.revert(cluster.nodes[2]!.peerId, 1))
    const banner = screen.getByTestId('mosaik-data-loss')
    expect(banner.getAttribute('role')).toBe('alert')
    expect(banner.textContent).toMatch(/^data loss: 2 committed entries reverted in group /)
    expect(banner.textContent).toContain('back to version 1')
    // The standalone table and the panel's own table each show the row.
    const rows = screen.getAllByTestId('mosaik-data-loss-row')
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(row.dataset.dropped).toBe('2')
      expect(row.textContent).toMatch(/data loss: 2 committed entries reverted/)
    }
    // Closed, the toggle says it too.
    fireEvent.click(screen.getByLabelText('close devtools'))
    const toggle = screen.getByTestId('mosaik-devtools-toggle')
    expect(toggle.dataset.reverts).toBe('1')
    expect(toggle.textContent).toContain('data loss')
  })

  it('re-renders a LeaderBadge only when the leader changes, not on every commit', () => {
    const cluster = new SyntheticCluster({ writers: 3 })
    const store = createDevtoolsStore({ flushInterval: 0 })
    let badgeRenders = 0
    let timelineRenders = 0
    render(
      <StrictMode>
        <Profiler id="badge" onRender={() => badgeRenders++}>
          <LeaderBadge storeId="synthetic.cell" store={store} networks={cluster.nodes} />
        </Profiler>
        <Profiler id="timeline" onRender={() => timelineRenders++}>
          <VersionTimeline storeId="synthetic.cell" store={store} />
        </Profiler>
      </StrictMode>,
    )
    act(() => cluster.start())
    const afterStart = badgeRenders
    const timelineAfterStart = timelineRenders
    for (let i = 0; i < 50; i++) act(() => cluster.write())
    expect(badgeRenders).toBe(afterStart)
    expect(timelineRenders).toBeGreaterThan(timelineAfterStart)
    act(() => cluster.failover())
    expect(badgeRenders).toBeGreaterThan(afterStart)
  })

  it('subscribes to a network only while mounted (StrictMode double mount included)', () => {
    const cluster = new SyntheticCluster({ writers: 2 })
    const view = render(
      <StrictMode>
        <GroupTable network={cluster.nodes[0]} />
        <PeerMesh storeId="synthetic.cell" network={cluster.nodes[0]} />
        <MosaikDevtools networks={cluster.nodes} />
      </StrictMode>,
    )
    expect(cluster.nodes[0]!.listenerCount).toBe(2) // the shared per-network store + the panel's own store
    expect(cluster.nodes[1]!.listenerCount).toBe(1)
    act(() => cluster.start())
    flushAll(cluster)
    expect(screen.getAllByTestId('mosaik-group-row').length).toBeGreaterThan(0)
    view.unmount()
    expect(cluster.nodes.map((n) => n.listenerCount)).toEqual([0, 0])
  })

  it('remembers open/closed and the dock side in localStorage', () => {
    const cluster = new SyntheticCluster({ writers: 1 })
    const first = render(<MosaikDevtools networks={cluster.nodes} />)
    fireEvent.click(screen.getByTestId('mosaik-devtools-toggle'))
    fireEvent.click(screen.getByTitle('dock right'))
    expect(screen.getByTestId('mosaik-devtools-panel').dataset.dock).toBe('right')
    first.unmount()
    render(<MosaikDevtools networks={cluster.nodes} />)
    expect(screen.getByTestId('mosaik-devtools-panel').dataset.dock).toBe('right')
    fireEvent.click(screen.getByLabelText('close devtools'))
    cleanup()
    render(<MosaikDevtools networks={cluster.nodes} initialIsOpen />)
    expect(screen.queryByTestId('mosaik-devtools-panel')).toBeNull()
    expect(screen.getByTestId('mosaik-devtools-toggle')).toBeTruthy()
  })

  it("uses the NetworkProvider's network when given no source", () => {
    const cluster = new SyntheticCluster({ writers: 2 })
    const network = cluster.nodes[0]! as unknown as Network
    const view = render(
      <StrictMode>
        <NetworkProvider network={network}>
          <GroupTable />
          <LeaderBadge storeId="synthetic.cell" />
        </NetworkProvider>
      </StrictMode>,
    )
    expect(cluster.nodes[0]!.listenerCount).toBe(1)
    act(() => cluster.start())
    flushAll(cluster)
    expect(screen.getByTestId('mosaik-leader-badge').dataset.leader).toBe(cluster.nodes[0]!.peerId)
    view.unmount()
    expect(cluster.nodes[0]!.listenerCount).toBe(0)
  })

  it('throws a clear error when there is no network to show', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<GroupTable />)).toThrow(/No devtools store/)
    vi.restoreAllMocks()
  })
})

describe('production builds', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.resetModules()
  })

  it('render nothing from mosaik-react/devtools, but the production entry renders', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    vi.resetModules()
    const dev = await import('../../src/devtools.js')
    const prod = await import('../../src/devtools/production.js')
    const cluster = new SyntheticCluster({ writers: 1 })
    const { container } = render(<dev.MosaikDevtools networks={cluster.nodes} initialIsOpen />)
    expect(container.innerHTML).toBe('')
    expect(cluster.nodes[0]!.listenerCount).toBe(0)
    render(<prod.MosaikDevtools networks={cluster.nodes} initialIsOpen />)
    expect(screen.getByTestId('mosaik-devtools-panel')).toBeTruthy()
  })

  it('render the panel from mosaik-react/devtools in development', async () => {
    vi.stubEnv('NODE_ENV', 'development')
    vi.resetModules()
    const dev = await import('../../src/devtools.js')
    const cluster = new SyntheticCluster({ writers: 1 })
    render(<dev.MosaikDevtools networks={cluster.nodes} initialIsOpen />)
    expect(screen.getByTestId('mosaik-devtools-panel')).toBeTruthy()
  })
})

describe('cost under load', () => {
  afterEach(() => vi.useRealTimers())

  it('renders each view at most 4 times a second, however fast replicas commit', () => {
    vi.useFakeTimers()
    const cluster = new SyntheticCluster({ writers: 3, readers: 2, now: () => performance.now() })
    const store = createDevtoolsStore() // default flush interval (250 ms), on the faked timers
    const renders: Record<string, number> = {}
    const count = (id: string) => {
      renders[id] = (renders[id] ?? 0) + 1
    }
    render(
      <StrictMode>
        {(['table', 'timeline', 'mesh', 'badge'] as const).map((id) => (
          <Profiler key={id} id={id} onRender={() => count(id)}>
            {id === 'table' && <GroupTable store={store} networks={cluster.nodes} />}
            {id === 'timeline' && <VersionTimeline storeId="synthetic.cell" store={store} />}
            {id === 'mesh' && <PeerMesh storeId="synthetic.cell" store={store} />}
            {id === 'badge' && <LeaderBadge storeId="synthetic.cell" store={store} />}
          </Profiler>
        ))}
      </StrictMode>,
    )
    act(() => {
      cluster.start()
      vi.advanceTimersByTime(300)
    })
    const before = { ...renders }
    // 10 s at 50 writes/s, each seen by 5 replicas: 2,500 telemetry events.
    for (let i = 0; i < 500; i++) {
      act(() => {
        cluster.write()
        vi.advanceTimersByTime(20)
      })
    }
    const during = (id: string) => (renders[id] ?? 0) - (before[id] ?? 0)
    expect(during('table')).toBeLessThanOrEqual(41)
    expect(during('timeline')).toBeLessThanOrEqual(41)
    expect(during('table')).toBeGreaterThan(10) // it did follow the writes
    expect(during('mesh')).toBe(0) // commits do not move the mesh
    expect(during('badge')).toBe(0) // nor the leader
  })
})
