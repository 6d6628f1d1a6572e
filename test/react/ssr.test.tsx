// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's state
/**
 * Server rendering (node environment, no DOM): hooks report `connecting`, nothing starts,
 * no handle opens, nothing suspends, nothing throws.
 */
import { StrictMode, Suspense } from 'react'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Network } from '../../src/network/network.js'
import {
  cellHandleStats,
  NetworkProvider,
  useBroadcastEvent,
  useCellReader,
  useCellValue,
  useCellWriter,
  useEventListener,
  useMapReader,
  useMapValue,
  useMapWriter,
  useOnceReader,
  useOthers,
  usePresence,
  usePriorityQueueReader,
  useSetReader,
  useSuspenseCell,
  useVecReader,
  useVecWriter,
} from '../../src/react/index.js'
import { fakeCell, fakeNetwork } from './helpers/fakes.js'

afterEach(() => {
  vi.restoreAllMocks()
})

function Cells({ cell }: { cell: Parameters<typeof useCellReader<number>>[0] }) {
  const r = useCellReader<number>(cell)
  const w = useCellWriter<number>(cell)
  const v = useCellValue<number, string>(cell, (n) => `v=${n ?? 'none'}`)
  const s = useSuspenseCell<number>(cell)
  return <p>{[r.status, r.online, r.version, w.status, w.pending, v, s.status].map(String).join('|')}</p>
}

describe('server rendering', () => {
  it('an owning provider starts nothing and every hook reports connecting', () => {
    const create = vi.spyOn(Network, 'create')
    const html = renderToString(
      <StrictMode>
        <NetworkProvider options={{ network: 'ssr', transport: 'memory' }}>
          <Cells cell="ssr.cell" />
        </NetworkProvider>
      </StrictMode>,
    )
    expect(html).toBe('<p>connecting|false|0|connecting|0|v=none|connecting</p>')
    expect(create).not.toHaveBeenCalled()
  })

  it('an adopting provider does not touch the network: no handle opens', () => {
    const net = fakeNetwork()
    const cell = fakeCell<number>()
    cell.group.value = 5
    const html = renderToString(
      <StrictMode>
        <NetworkProvider network={net}>
          <Suspense fallback="loading">
            <Cells cell={cell} />
          </Suspense>
        </NetworkProvider>
      </StrictMode>,
    )
    // Rendered content, not the Suspense fallback: nothing suspends on the server.
    expect(html).toBe('<!--$--><p>connecting|false|0|connecting|0|v=none|connecting</p><!--/$-->')
    expect(cell.group.opened).toBe(0)
    expect(cellHandleStats(net)).toEqual({ handles: 0, timers: 0, refs: 0 })
  })
})

function Room() {
  const { self, others, update } = usePresence<{ x: number }>('ssr.room', { x: 7 })
  const count = useOthers<{ x: number }, number>('ssr.room', (o) => o.length)
  const broadcast = useBroadcastEvent<string>('ssr.room')
  useEventListener<string>('ssr.room', () => {})
  update({ x: 8 })
  return <p>{[self.x, others.length, count, broadcast('hi')].map(String).join('|')}</p>
}

describe('server rendering of rooms', () => {
  it('presence and event hooks show the initial presence, nobody else, and send nothing', () => {
    const create = vi.spyOn(Network, 'create')
    const html = renderToString(
      <StrictMode>
        <NetworkProvider options={{ network: 'ssr', transport: 'memory' }}>
          <Room />
        </NetworkProvider>
      </StrictMode>,
    )
    expect(html).toBe('<p>7|0|0|false</p>')
    expect(create).not.toHaveBeenCalled()
  })
})

describe('server rendering of the collection hooks', () => {
  it('every collection hook reports connecting with an empty value, opens nothing and never suspends', () => {
    const create = vi.spyOn(Network, 'create')
    function Collections() {
      const m = useMapReader<string, number>('ssr.map')
      const mw = useMapWriter<string, number>('ssr.map')
      const key = useMapValue<string, number>('ssr.map', 'k')
      const v = useVecReader<number>('ssr.vec', { suspense: true })
      const vw = useVecWriter<number>('ssr.vec')
      const s = useSetReader<number>('ssr.set')
      const o = useOnceReader<number>('ssr.once', { suspense: true })
      const q = usePriorityQueueReader<number, string, number>('ssr.pq')
      const fields = [m.status, m.size, m.value.size, mw.pending, key, v.status, v.value.length, vw.status]
      return <p>{[...fields, s.value.size, o.value, o.status, q.value.length, q.version].map(String).join('|')}</p>
    }
    const html = renderToString(
      <StrictMode>
        <NetworkProvider options={{ network: 'ssr', transport: 'memory' }}>
          <Suspense fallback="loading">
            <Collections />
          </Suspense>
        </NetworkProvider>
      </StrictMode>,
    )
    expect(html).toBe(
      '<!--$--><p>connecting|0|0|0|undefined|connecting|0|connecting|0|undefined|connecting|0|0</p><!--/$-->',
    )
    expect(create).not.toHaveBeenCalled()
  })
})
