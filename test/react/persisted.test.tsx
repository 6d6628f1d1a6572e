// @vitest-environment happy-dom
// biome-ignore-all lint/correctness/noComponentHookFactories: test components close over their test's cell
/**
 * `NetworkProvider options={{ persist }}` over a real network (memory transport, files in a
 * temporary directory): after the provider is unmounted and mounted again, `useCellReader`
 * renders the persisted value and version while the cell is still `connecting`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { useEffect } from 'react'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { defineCell } from '../../src/collections/index.js'
import { UniqueId } from '../../src/core/id.js'
import { NetworkProvider, useCellReader, useCellWriter } from '../../src/react/index.js'
import { Strict } from './helpers/render.js'

const FAST = { heartbeatInterval: 100, electionTimeout: 400, bootstrapDelay: 150, maxMissedHeartbeats: 5 }
const WAIT = { timeout: 10_000 }
const root = mkdtempSync(join(tmpdir(), 'mosaik-react-persist-'))
afterEach(() => cleanup())
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('useCellReader with persist', () => {
  it('renders the persisted value before the cell is online, after a remount', async () => {
    const Counter = defineCell<number>(UniqueId.random().toString(), { typeName: 'test', consensus: FAST })
    const options = {
      network: `react-persist-${UniqueId.random().short()}`,
      transport: 'memory' as const,
      persist: root,
    }
    const writes: Promise<unknown>[] = []
    function Writer() {
      const c = useCellWriter(Counter)
      const { online, write } = c
      useEffect(() => {
        if (online && writes.length === 0) writes.push(write(41).then(() => write(42)))
      }, [online, write])
      return <p data-testid="w">{`${c.status}:${c.value ?? ''}`}</p>
    }
    const first = render(
      <Strict>
        <NetworkProvider options={options} fallback={<p>starting</p>}>
          <Writer />
        </NetworkProvider>
      </Strict>,
    )
    await waitFor(() => expect(screen.getByTestId('w').textContent).toBe('online:42'), WAIT)
    await Promise.all(writes)
    first.unmount()

    // Everything the reader rendered, in order: the first render with a value must be 'connecting'.
    const seen: string[] = []
    function Reader() {
      const c = useCellReader(Counter)
      seen.push(`${c.status}:${c.value ?? ''}:${c.version}`)
      return <p data-testid="r">{`${c.status}:${c.value ?? ''}`}</p>
    }
    // A reader alone never leads: a writer on the same network brings the cell online.
    function Leads() {
      useCellWriter(Counter)
      return null
    }
    // The provider stops its network after unmounting; the directory's lock goes with it.
    await waitFor(() => expect(existsSync(join(root, 'lock'))).toBe(false), WAIT)
    render(
      <Strict>
        <NetworkProvider options={options} fallback={<p>starting</p>}>
          <Reader />
          <Leads />
        </NetworkProvider>
      </Strict>,
    )
    await waitFor(() => expect(screen.getByTestId('r').textContent).toMatch(/:42$/), WAIT)
    const firstWithValue = seen.find((s) => s.includes(':42:'))
    expect(firstWithValue?.startsWith('connecting:42:')).toBe(true)
    await waitFor(() => expect(screen.getByTestId('r').textContent).toBe('online:42'), WAIT)
  })
})
