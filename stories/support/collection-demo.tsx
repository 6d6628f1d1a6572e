/**
 * Scaffolding of the collection stories: a small in-page cluster (writers and a reader,
 * each a real network on the memory transport under its own `NetworkProvider`), a card per
 * node, and the devtools views of the collection under the cards.
 */
import type { ReactNode } from 'react'
import { NetworkProvider } from '../../src/react/index.js'
import { type DemoNode, useCluster } from './cluster.js'
import { ClusterViews } from './cluster-views.js'
import { peerColor, shortPeer } from './devtools.js'
import { card, Row } from './ui.js'

/** Quick consensus for the demos: a leader within a second. */
export const DEMO_CONSENSUS = { heartbeatInterval: 200, electionTimeout: 1000, bootstrapDelay: 500 }

export function CollectionDemo(props: {
  name: string
  storeId: string
  writers: number
  readers: number
  node: (node: DemoNode) => ReactNode
}): ReactNode {
  const { name, storeId, writers, readers } = props
  const { cluster, nodes, error } = useCluster({ name }, (c) =>
    c.addMany(writers + readers, (i) => (i < writers ? 'writer' : 'reader')),
  )
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      {error && <pre style={{ color: 'crimson' }}>{error}</pre>}
      <Row>
        {nodes.map((n) => (
          <div key={n.n} style={{ ...card, minWidth: 240 }} data-testid={`node-${n.n}`}>
            <strong style={{ color: peerColor(n.net.peerId) }}>
              {n.role} {n.n} {shortPeer(n.net.peerId)}
            </strong>
            <NetworkProvider network={n.net}>{props.node(n)}</NetworkProvider>
          </div>
        ))}
      </Row>
      {cluster && <ClusterViews store={cluster.store} storeId={storeId} storageKey={`mosaik-devtools.${name}`} />}
    </div>
  )
}

/** A line saying where a collection stands: status, version, size. */
export function StatusLine(props: { status: string; version: number; size: number; unit: string }): ReactNode {
  return (
    <div style={{ fontSize: 11, color: '#64748b' }} data-testid="status">
      {props.status} · v{props.version} · {props.size} {props.unit}
    </div>
  )
}
