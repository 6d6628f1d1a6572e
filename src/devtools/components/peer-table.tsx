import type { ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import type { NodeInfo } from '../state.js'
import { TableHead } from './table-head.js'
import { box, cell, colors, peerColor, shortPeer } from './theme.js'

function PeerTableView(): ReactNode {
  const nodes = useDevtoolsStore((s) => s.nodes)
  const list = Object.values(nodes).sort((a, b) => (a.peer < b.peer ? -1 : 1))
  return (
    <div style={{ ...box, overflowX: 'auto' }} data-testid="mosaik-peer-table">
      <table style={{ borderCollapse: 'collapse', width: '100%' }}>
        <TableHead columns={['node', 'state', 'discovered', 'connected', 'rejected']} />
        <tbody>
          {list.map((n) => (
            <tr key={n.peer} data-testid="mosaik-peer-row" data-peer={n.peer}>
              <td style={{ ...cell, color: peerColor(n.peer) }} title={n.peer}>
                {shortPeer(n.peer)}
              </td>
              <NodeState node={n} />
              <td style={cell} data-count={Object.keys(n.discovered).length}>
                {Object.keys(n.discovered).map(shortPeer).join(' ') || '—'}
              </td>
              <td style={cell}>{Object.keys(n.connected).length}</td>
              <td style={{ ...cell, color: n.rejected ? colors.bad : colors.muted }}>{n.rejected}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** What `useNetworkStatus()` shows on that node (`online`, `offline` with its reason …), else running/stopped. */
function NodeState({ node }: { node: NodeInfo }): ReactNode {
  const status = node.running ? (node.status?.status ?? 'running') : 'stopped'
  const good = status === 'online' || status === 'running'
  const reason = node.running ? node.status?.reason : undefined
  return (
    <td style={{ ...cell, color: good ? colors.ok : colors.bad }} data-status={status} title={reason}>
      {status}
      {node.status && node.running ? ` · ${node.status.relays} relay${node.status.relays === 1 ? '' : 's'}` : ''}
      {reason && status !== 'online' ? (
        <div style={{ color: colors.muted, fontSize: 11 }} data-testid="mosaik-peer-reason">
          {reason}
        </div>
      ) : null}
    </td>
  )
}

/** The attached nodes: running or stopped, whom each discovered and is connected to, inputs it rejected. */
export const PeerTable = withDevtoolsSource(PeerTableView, 'PeerTable')
