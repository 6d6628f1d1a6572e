import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useEffect, useState } from 'react'
import type { PeerEntry } from '../src/network/index.js'
import { type DemoNode, useCluster } from './support/cluster.js'
import { MosaikDevtools, PeerTable, peerColor, shortPeer } from './support/devtools.js'
import { Button, card, Label, Row } from './support/ui.js'

/** One node's live catalog: the peers it has discovered (signed entries), updated on every event. */
function CatalogCard({ node, onStop }: { node: DemoNode; onStop: () => void }): ReactNode {
  const { net } = node
  const [entries, setEntries] = useState<PeerEntry[]>(() => [...net.discovery.catalog().values()])
  useEffect(() => {
    const refresh = () => setEntries([...net.discovery.catalog().values()])
    refresh()
    return net.discovery.onEvent(refresh)
  }, [net])
  return (
    <div
      style={{ ...card, opacity: node.stopped ? 0.5 : 1 }}
      data-testid="catalog-card"
      data-peer={net.peerId}
      data-count={node.stopped ? -1 : entries.length}
    >
      <Row style={{ justifyContent: 'space-between' }}>
        <strong style={{ color: peerColor(net.peerId) }}>
          node {node.n} {shortPeer(net.peerId)}
        </strong>
        <Button onClick={onStop} disabled={node.stopped} title="stop this node">
          stop
        </Button>
      </Row>
      <Label>{node.stopped ? 'stopped' : `catalog: ${entries.length} peers`}</Label>
      <ul style={{ margin: '4px 0 0', paddingLeft: 16 }}>
        {entries
          .sort((a, b) => (a.peerId < b.peerId ? -1 : 1))
          .map((e) => (
            <li key={e.peerId} style={{ color: peerColor(e.peerId) }}>
              {shortPeer(e.peerId)} <span style={{ color: '#64748b' }}>groups {e.groups.length}</span>
            </li>
          ))}
      </ul>
    </div>
  )
}

function DiscoveryDemo({ nodes: count }: { nodes: number }): ReactNode {
  const { cluster, nodes, error } = useCluster({ name: 'story-discovery' }, (c) => c.addMany(count))
  const running = nodes.filter((n) => !n.stopped)
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      <Row>
        <Button onClick={() => void cluster?.add()} testId="add-node">
          add node
        </Button>
        <span data-testid="discovery-status">{running.length} running nodes on the memory transport</span>
      </Row>
      {error && <pre style={{ color: 'crimson' }}>{error}</pre>}
      <Row>
        {nodes.map((n) => (
          <CatalogCard key={n.n} node={n} onStop={() => void cluster?.stop(n)} />
        ))}
      </Row>
      {cluster && <PeerTable store={cluster.store} />}
      {cluster && <MosaikDevtools store={cluster.store} storageKey="mosaik-devtools.discovery" />}
    </div>
  )
}

/**
 * Several peers in one page on the memory transport. Node 1 starts alone; each next node
 * bootstraps from the ones before and the catalogs (signed entries, gossiped and exchanged
 * on connect) fill in live. Stop a node and the others see it depart.
 */
const meta = {
  title: 'Network/Discovery',
  component: DiscoveryDemo,
  args: { nodes: 5 },
  argTypes: { nodes: { control: { type: 'range', min: 2, max: 12 } } },
} satisfies Meta<typeof DiscoveryDemo>

export default meta
export const Discovery: StoryObj<typeof meta> = {
  render: (args) => <DiscoveryDemo key={args.nodes} {...args} />,
}
