import type { ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
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
              <td style={{ ...cell, color: n.running ? colors.ok : colors.bad }}>
                {n.running ? 'running' : 'stopped'}
              </td>
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

/** The attached nodes: running or stopped, whom each discovered and is connected to, inputs it rejected. */
export const PeerTable = withDevtoolsSource(PeerTableView, 'PeerTable')
