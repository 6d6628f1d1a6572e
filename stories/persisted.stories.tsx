import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useRef, useState } from 'react'
import { NetworkProvider, useCellWriter, useNetwork } from '../src/react/index.js'
import { cellOptions, TIMING_DEFAULTS } from './support/consensus.js'
import { shortPeer } from './support/devtools.js'
import { Button, card, Row } from './support/ui.js'

const STORE = 'playground.persisted-counter'
const OPTIONS = cellOptions(TIMING_DEFAULTS)

export interface PersistedArgs {
  /** The IndexedDB database (NetworkOptions.persist): every tab of this profile shares it. */
  database: string
}

/** Enough writes for the store to checkpoint (every 4,096 entries) and drop older records. */
const BURST = 5_000

/** Writes from+1 … from+BURST, 100 at a time, then from+BURST alone so it is the last value. */
async function burst(from: number, write: (v: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < BURST; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => write(from + i + k + 1)))
  await write(from + BURST)
}

function Counter({ mountedAt }: { mountedAt: number }): ReactNode {
  const net = useNetwork()
  const cell = useCellWriter<number>(STORE, OPTIONS)
  const [error, setError] = useState<string>()
  // The status the first time a value showed ('connecting' when it came from IndexedDB), and
  // when: ms since the page started loading, and since the provider mounted (network start
  // and IndexedDB read included).
  const firstShown = useRef<{ status: string; ms: number; sinceMount: number } | undefined>(undefined)
  if (cell.value !== undefined && !firstShown.current) {
    const now = performance.now()
    firstShown.current = { status: cell.status, ms: now, sinceMount: now - mountedAt }
  }
  return (
    <div
      style={{ ...card, minWidth: 260 }}
      data-testid="cell-card"
      data-role="writer"
      data-peer={net.peerId}
      data-version={cell.version}
      data-value={cell.value ?? ''}
      data-first-status={firstShown.current?.status ?? ''}
      data-first-ms={firstShown.current?.ms.toFixed(1) ?? ''}
      data-first-since-mount={firstShown.current?.sinceMount.toFixed(1) ?? ''}
      data-persisted={net.persistedAt ?? ''}
    >
      <Row style={{ justifyContent: 'space-between' }}>
        <strong>persisted counter</strong>
        <span data-testid="cell-status">{cell.status}</span>
      </Row>
      <div style={{ fontSize: 40, fontWeight: 600 }}>{cell.pendingValue ?? cell.value ?? 0}</div>
      <div style={{ fontSize: 11, color: '#64748b' }}>
        v{cell.version} · this tab {shortPeer(net.peerId)} ·{' '}
        {net.persistedAt ?? 'in memory (store held by another tab)'}
      </div>
      {firstShown.current && (
        <div style={{ fontSize: 11, color: '#64748b' }}>
          first shown while {firstShown.current.status}, {firstShown.current.sinceMount.toFixed(0)} ms after the
          provider mounted
        </div>
      )}
      <Row style={{ marginTop: 6 }}>
        <Button
          testId="increment"
          disabled={cell.status !== 'online'}
          onClick={() => {
            setError(undefined)
            cell.update((n) => (n ?? 0) + 1).catch((e: Error) => setError(e.message))
          }}
        >
          +1
        </Button>
        <Button
          testId="burst"
          disabled={cell.status !== 'online'}
          onClick={() => {
            setError(undefined)
            burst(cell.value ?? 0, cell.write).catch((e: Error) => setError(e.message))
          }}
        >
          +{BURST}
        </Button>
      </Row>
      {error && <div style={{ color: '#dc2626', fontSize: 11 }}>{error}</div>}
    </div>
  )
}

function PersistedDemo({ database }: PersistedArgs): ReactNode {
  const mountedAt = useRef(performance.now())
  return (
    <div style={{ fontFamily: 'system-ui, sans-serif', display: 'flex', flexDirection: 'column', gap: 12 }}>
      <p style={{ maxWidth: 560, margin: 0 }}>
        Click a few times, close every tab, open this story again: the value is there at once (status
        <code> connecting</code>), then the tab leads its cell again. The cell, its log and this tab's identity live in
        IndexedDB <code>{database}</code>. A second tab of the same profile finds the store held (a Web Lock) and runs
        in memory with a fresh identity.
      </p>
      <NetworkProvider
        options={{ network: 'mosaik-persisted-demo', transport: 'memory', persist: database }}
        fallback={<p>Opening the stored replica…</p>}
      >
        <Counter mountedAt={mountedAt.current} />
      </NetworkProvider>
    </div>
  )
}

const meta: Meta<PersistedArgs> = {
  title: 'Playground/Persisted',
  component: PersistedDemo,
  args: { database: 'mosaik-react/story-persisted' },
}
export default meta

/** Close every tab, reopen one: the value is there. */
export const Persisted: StoryObj<PersistedArgs> = {}
