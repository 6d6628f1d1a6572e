// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over the cell of their test
/**
 * `useSuspenseCell` never suspends forever, and the hooks say why a cell is not online:
 * over a real network on the memory transport, in StrictMode.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { Suspense } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { defineCell } from '../../src/collections/index.js'
import { CellError } from '../../src/core/errors.js'
import { UniqueId } from '../../src/core/id.js'
import { Network } from '../../src/network/network.js'
import { NetworkProvider, useCellReader, useSuspenseCell } from '../../src/react/index.js'
import { Boundary, Strict } from './helpers/render.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 200, bootstrapDelay: 100, maxMissedHeartbeats: 5 }
const WAIT = { timeout: 10_000 }
let net: Network

beforeAll(async () => {
  net = await Network.create({ network: `suspense-why-${UniqueId.random().short()}`, transport: 'memory' })
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})
afterAll(() => net.stop())

function renderWithBoundary(child: React.ReactNode, errors: Error[]) {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  render(
    <Strict>
      <NetworkProvider network={net} gracePeriod={20}>
        <Boundary onError={(e) => errors.push(e)}>
          <Suspense fallback={<p data-testid="fallback">loading</p>}>{child}</Suspense>
        </Boundary>
      </NetworkProvider>
    </Strict>,
  )
}

describe('useSuspenseCell never waits forever', () => {
  it('throws an offline CellError with reason "timeout" to the error boundary after `timeout` ms', async () => {
    // Default timings: the no-writer window (9 s) is far longer than the 300 ms timeout.
    const cell = defineCell<number>(UniqueId.random().toString())
    const errors: Error[] = []
    function Loaded() {
      const { value } = useSuspenseCell(cell, { timeout: 300 })
      return <p data-testid="loaded">{value}</p>
    }
    renderWithBoundary(<Loaded />, errors)
    expect(screen.getByTestId('fallback')).toBeTruthy()
    await waitFor(
      () => expect(screen.getByRole('alert').textContent).toMatch(/^offline: not online within 300 ms/),
      WAIT,
    )
    expect(errors[0]).toBeInstanceOf(CellError)
    expect(errors[0]).toMatchObject({ kind: 'offline', reason: 'timeout' })
  })

  it('throws reason "no-writer" once the reader reports that no writer is reachable', async () => {
    const cell = defineCell<number>(UniqueId.random().toString(), { consensus: FAST })
    const errors: Error[] = []
    function Loaded() {
      const { value } = useSuspenseCell(cell)
      return <p data-testid="loaded">{value}</p>
    }
    renderWithBoundary(<Loaded />, errors)
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/no writer reachable/), WAIT)
    expect(errors[0]).toMatchObject({ kind: 'offline', reason: 'no-writer' })
  })
})

describe('useCellReader', () => {
  it('shows noWriter for a reader with no writer, while status stays connecting', async () => {
    const cell = defineCell<number>(UniqueId.random().toString(), { consensus: FAST })
    function Status() {
      const { status, noWriter } = useCellReader(cell)
      return <p data-testid="status">{noWriter ? 'no writer reachable' : status}</p>
    }
    render(
      <Strict>
        <NetworkProvider network={net} gracePeriod={20}>
          <Status />
        </NetworkProvider>
      </Strict>,
    )
    expect(screen.getByTestId('status').textContent).toBe('connecting')
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('no writer reachable'), WAIT)
  })
})
