// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's state
/**
 * NetworkProvider over real networks on the memory transport: own vs adopt, StrictMode,
 * option identity, fallback, start errors. `Network.create` is spied on to count starts.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { type ReactNode, Suspense, useState } from 'react'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { UniqueId } from '../../src/core/id.js'
import { Network, type NetworkOptions } from '../../src/network/network.js'
import { NetworkProvider, NetworkStartError, useCellReader, useNetwork } from '../../src/react/index.js'
import { bound } from '../helpers/bounds.js'
import { Boundary, Strict } from './helpers/render.js'

const created: Network[] = []
const realCreate = Network.create.bind(Network)
const createSpy = vi.spyOn(Network, 'create')

afterEach(async () => {
  cleanup()
  createSpy.mockClear()
})
afterAll(async () => {
  createSpy.mockRestore()
  await Promise.all(created.map((n) => n.stop()))
})

/** The networks the spied `Network.create` calls resolved with, in call order. */
async function startedNetworks(): Promise<Network[]> {
  const nets = await Promise.all(createSpy.mock.results.map((r) => r.value as Promise<Network>))
  created.push(...nets)
  return nets
}

function options(): NetworkOptions {
  return { network: `react-provider-${UniqueId.random().short()}`, transport: 'memory' }
}

function PeerId() {
  return <span data-testid="peer">{useNetwork().peerId}</span>
}

const WAIT = { timeout: bound(10_000) }

describe('NetworkProvider with options (owns its network)', () => {
  it('creates one network under StrictMode, shows the fallback meanwhile, stops it on unmount', async () => {
    const view = render(
      <Strict>
        <NetworkProvider options={options()} fallback={<span data-testid="fallback">starting</span>}>
          <PeerId />
        </NetworkProvider>
      </Strict>,
    )
    expect(screen.getByTestId('fallback')).toBeTruthy()
    await waitFor(() => expect(screen.getByTestId('peer').textContent).toMatch(/^12D3/), WAIT)
    expect(createSpy).toHaveBeenCalledTimes(1)
    const [net] = await startedNetworks()
    expect(net?.stopped).toBe(false)
    view.unmount()
    await waitFor(() => expect(net?.stopped).toBe(true), WAIT)
  })

  it('does not restart for options with a new identity and equal content; new content swaps networks', async () => {
    const base = options()
    let setName: (n: string) => void = () => {}
    let rerender: () => void = () => {}
    function App() {
      const [name, set] = useState(base.network as string)
      const [, force] = useState(0)
      setName = set
      rerender = () => force((n) => n + 1)
      return (
        <NetworkProvider options={{ network: name, transport: 'memory' }}>
          <Suspense fallback={null}>
            <PeerId />
          </Suspense>
        </NetworkProvider>
      )
    }
    render(
      <Strict>
        <App />
      </Strict>,
    )
    await waitFor(() => expect(screen.getByTestId('peer').textContent).toMatch(/^12D3/), WAIT)
    act(() => rerender())
    act(() => rerender())
    expect(createSpy).toHaveBeenCalledTimes(1)
    const first = screen.getByTestId('peer').textContent
    act(() => setName(`${base.network}-2`))
    await waitFor(() => expect(screen.getByTestId('peer').textContent).not.toBe(first), WAIT)
    expect(createSpy).toHaveBeenCalledTimes(2)
    const [a, b] = await startedNetworks()
    await waitFor(() => expect(a?.stopped).toBe(true), WAIT)
    expect(b?.stopped).toBe(false)
  })

  it('without a fallback renders children at once: cells report connecting, useNetwork suspends', async () => {
    function Status() {
      return <span data-testid="status">{useCellReader('react.provider.cell').status}</span>
    }
    render(
      <Strict>
        <NetworkProvider options={options()}>
          <Status />
          <Suspense fallback={<span data-testid="suspended">…</span>}>
            <PeerId />
          </Suspense>
        </NetworkProvider>
      </Strict>,
    )
    expect(screen.getByTestId('status').textContent).toBe('connecting')
    expect(screen.getByTestId('suspended')).toBeTruthy()
    await waitFor(() => expect(screen.getByTestId('peer').textContent).toMatch(/^12D3/), WAIT)
    await startedNetworks()
  })

  it('renders errorFallback with the cause when the network cannot start, and retry starts a new one', async () => {
    createSpy.mockRejectedValueOnce(new Error('no transport for you'))
    const render1 = (error: NetworkStartError, retry: () => void): ReactNode => (
      <button type="button" data-testid="error" onClick={retry}>
        {`${error.name}: ${(error.cause as Error).message}`}
      </button>
    )
    render(
      <Strict>
        <NetworkProvider options={options()} errorFallback={render1}>
          <Suspense fallback={null}>
            <PeerId />
          </Suspense>
        </NetworkProvider>
      </Strict>,
    )
    await waitFor(() => expect(screen.getByTestId('error').textContent).toBe('NetworkStartError: no transport for you'))
    act(() => screen.getByTestId('error').click())
    await waitFor(() => expect(screen.getByTestId('peer').textContent).toMatch(/^12D3/), WAIT)
    expect(createSpy).toHaveBeenCalledTimes(2)
    createSpy.mock.results.shift()
    await startedNetworks()
  })

  it('throws NetworkStartError to the nearest error boundary when there is no errorFallback', async () => {
    createSpy.mockRejectedValueOnce(new Error('listen address in use'))
    const errors: Error[] = []
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    render(
      <Strict>
        <Boundary onError={(e) => errors.push(e)}>
          <NetworkProvider options={options()}>
            <span />
          </NetworkProvider>
        </Boundary>
      </Strict>,
    )
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/could not start its network: listen/))
    quiet.mockRestore()
    expect(errors[0]).toBeInstanceOf(NetworkStartError)
    expect(((errors[0] as Error).cause as Error).message).toBe('listen address in use')
  })
})

describe('NetworkProvider with network (adopts it)', () => {
  it('provides the network at once and never stops it', async () => {
    const net = await realCreate(options())
    created.push(net)
    createSpy.mockClear()
    const view = render(
      <Strict>
        <NetworkProvider network={net}>
          <PeerId />
        </NetworkProvider>
      </Strict>,
    )
    expect(screen.getByTestId('peer').textContent).toBe(net.peerId)
    view.unmount()
    // An owned network's stop is one macrotask after unmount; wait past it (an absence, no event to await).
    await new Promise((r) => setTimeout(r, 20))
    expect(net.stopped).toBe(false)
    expect(createSpy).not.toHaveBeenCalled()
  })
})
