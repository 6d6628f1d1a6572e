// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's cell
/**
 * Server HTML hydrated on the client: the first client render matches the server's
 * `connecting` state (no mismatch), then the hooks open their handles and show the cell.
 */
import { act, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { expect, it } from 'vitest'
import { cellHandleStats, NetworkProvider, useCellReader, useCellValue } from '../../src/react/index.js'
import { bound } from '../helpers/bounds.js'
import { fakeCell, fakeNetwork } from './helpers/fakes.js'

it('hydrates the server `connecting` HTML without a mismatch, then shows the live cell', async () => {
  const net = fakeNetwork()
  const cell = fakeCell<number>()
  cell.group.value = 3
  function View() {
    const { status, value } = useCellReader(cell)
    const double = useCellValue(cell, (v) => (v ?? 0) * 2)
    return <p>{`${status}:${value ?? '-'}:${double}`}</p>
  }
  const tree = (
    <StrictMode>
      <NetworkProvider network={net} gracePeriod={20}>
        <View />
      </NetworkProvider>
    </StrictMode>
  )
  const container = document.createElement('div')
  container.innerHTML = renderToString(tree)
  expect(container.textContent).toBe('connecting:-:0')
  expect(cell.group.opened).toBe(0)
  const recoverable: unknown[] = []
  const root = await act(async () => hydrateRoot(container, tree, { onRecoverableError: (e) => recoverable.push(e) }))
  await waitFor(() => expect(container.textContent).toBe('online:3:6'), { timeout: bound(2000) })
  expect(recoverable).toEqual([])
  expect(cell.group.opened).toBe(1)
  act(() => root.unmount())
  await waitFor(() => expect(cellHandleStats(net)).toEqual({ handles: 0, timers: 0, refs: 0 }), {
    timeout: bound(2000),
  })
})
