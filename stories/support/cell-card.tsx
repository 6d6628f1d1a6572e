/**
 * One node's small UI: its own `NetworkProvider` (adopting the node's network) and a
 * card bound to one cell with `useCellWriter` or `useCellReader`.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react'
import type { CellOptions } from '../../src/collections/types.js'
import { NetworkProvider, useCellReader, useCellWriter } from '../../src/react/index.js'
import type { CellState } from '../../src/react/types.js'
import type { DemoNode } from './cluster.js'
import { peerColor, shortPeer } from './devtools.js'
import { Button, card, Label, Row } from './ui.js'

declare global {
  interface Window {
    /** Writes issued by auto-writers and how they settled (for the browser tests). */
    __mosaikLoad?: { issued: number; committed: number; failed: number }
  }
}

export interface CellCardProps {
  node: DemoNode
  storeId: string
  options: CellOptions<number>
  /** Extra controls under the value (stop, isolate …). */
  children?: ReactNode
  /** Writers only: write `value + 1` this many times a second (load for the devtools cost measurement). */
  autoWrite?: number
}

function Header({ node, state }: { node: DemoNode; state: CellState<number> }): ReactNode {
  const statusColor = { online: '#16a34a', connecting: '#ca8a04', offline: '#dc2626', closed: '#64748b' }[state.status]
  return (
    <>
      <Row style={{ justifyContent: 'space-between' }}>
        <strong style={{ color: peerColor(node.net.peerId) }}>
          {node.role} {node.n} {shortPeer(node.net.peerId)}
        </strong>
        <span style={{ color: statusColor }} data-testid="cell-status">
          {node.stopped ? 'stopped' : state.status}
        </span>
      </Row>
      <div style={{ fontSize: 28, fontWeight: 600 }} data-testid="cell-value">
        {state.value ?? '—'}
      </div>
      <div style={{ fontSize: 11, color: '#64748b' }}>
        v{state.version} · {state.role} · leader {shortPeer(state.leader)}
      </div>
    </>
  )
}

function WriterCard({ node, storeId, options, children, autoWrite = 0 }: CellCardProps): ReactNode {
  const cell = useCellWriter<number>(storeId, options)
  const [error, setError] = useState<string>()
  const latest = useRef(cell)
  latest.current = cell
  useEffect(() => {
    if (autoWrite <= 0 || node.stopped) return
    const t = setInterval(() => {
      const c = latest.current
      if (c.status !== 'online') return
      window.__mosaikLoad ??= { issued: 0, committed: 0, failed: 0 }
      const load = window.__mosaikLoad
      load.issued += 1
      c.write((c.pendingValue ?? c.value ?? 0) + 1).then(
        () => {
          load.committed += 1
        },
        () => {
          load.failed += 1
        },
      )
    }, 1000 / autoWrite)
    return () => clearInterval(t)
  }, [autoWrite, node.stopped])
  const increment = () => {
    setError(undefined)
    cell
      .update((n) => (n ?? 0) + 1)
      .catch((e: Error & { kind?: string }) => setError(e.kind ? `${e.kind}: ${e.message}` : e.message))
  }
  return (
    <div
      style={{ ...card, opacity: node.stopped ? 0.5 : 1 }}
      data-testid="cell-card"
      data-role="writer"
      data-peer={node.net.peerId}
      data-version={cell.version}
      data-value={cell.value ?? ''}
    >
      <Header node={node} state={cell} />
      <Row style={{ marginTop: 6 }}>
        <Button onClick={increment} disabled={node.stopped} testId="increment">
          +1
        </Button>
        {cell.pending > 0 && <Label>{cell.pending} pending</Label>}
        {children}
      </Row>
      {error && (
        <div style={{ color: '#dc2626', fontSize: 11, maxWidth: 200 }} data-testid="write-error">
          {error}
        </div>
      )}
    </div>
  )
}

function ReaderCard({ node, storeId, options, children }: CellCardProps): ReactNode {
  const cell = useCellReader<number>(storeId, options)
  return (
    <div
      style={{ ...card, opacity: node.stopped ? 0.5 : 1, borderStyle: 'dashed' }}
      data-testid="cell-card"
      data-role="reader"
      data-peer={node.net.peerId}
      data-version={cell.version}
      data-value={cell.value ?? ''}
    >
      <Header node={node} state={cell} />
      {children && <Row style={{ marginTop: 6 }}>{children}</Row>}
    </div>
  )
}

/** A writer or reader card for `node`, inside its own provider. */
export function CellCard(props: CellCardProps): ReactNode {
  return (
    <NetworkProvider network={props.node.net}>
      {props.node.role === 'writer' ? <WriterCard {...props} /> : <ReaderCard {...props} />}
    </NetworkProvider>
  )
}
