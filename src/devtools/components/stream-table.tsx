import type { ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import type { StreamEndpoint } from '../state.js'
import { TableHead } from './table-head.js'
import { box, cell, colors, peerColor, shortPeer } from './theme.js'

function Endpoint({ stream, e }: { stream: string; e: StreamEndpoint }): ReactNode {
  const links = Object.keys(e.links)
  return (
    <tr data-testid="mosaik-stream-row" data-stream={stream} data-role={e.role} data-peer={e.peer}>
      <td style={{ ...cell, color: colors.muted }} title={stream}>
        {stream.slice(0, 10)}
      </td>
      <td style={cell}>{e.role}</td>
      <td style={{ ...cell, color: peerColor(e.peer) }} title={e.peer}>
        {shortPeer(e.peer)}
      </td>
      <td style={cell} data-count={links.length} title={links.join('\n')}>
        {links.length}
      </td>
      <td style={cell} data-rate={e.rate.toFixed(1)}>
        {e.rate.toFixed(1)}/s
      </td>
      <td style={cell}>{e.datums}</td>
      <td style={{ ...cell, color: e.dropped ? colors.bad : colors.muted }} data-dropped={e.dropped}>
        {e.dropped}
      </td>
      <td style={{ ...cell, color: e.refused ? colors.bad : colors.muted }}>{e.refused}</td>
      <td style={cell}>{e.lag}</td>
    </tr>
  )
}

function StreamTableView(): ReactNode {
  const streams = useDevtoolsStore((s) => s.streams)
  const list = Object.values(streams).sort((a, b) => (a.id < b.id ? -1 : 1))
  return (
    <div style={{ ...box, overflowX: 'auto' }} data-testid="mosaik-stream-table">
      {list.length === 0 ? (
        <p style={{ color: colors.muted, margin: 4 }}>no streams</p>
      ) : (
        <table style={{ borderCollapse: 'collapse', width: '100%' }}>
          <TableHead columns={['stream', 'side', 'peer', 'links', 'rate', 'datums', 'dropped', 'refused', 'lag']} />
          <tbody>
            {list.flatMap((s) =>
              [...Object.values(s.producers), ...Object.values(s.consumers)].map((e) => (
                <Endpoint key={`${s.id}|${e.role}|${e.peer}`} stream={s.id} e={e} />
              )),
            )}
          </tbody>
        </table>
      )}
    </div>
  )
}

/**
 * The streams of the attached nodes (ephemeral pub/sub, presence, events): one row per
 * producer and consumer with its links, datums per second, totals, drops (lagging
 * consumers), values refused by schema and the largest backlog.
 */
export const StreamTable = withDevtoolsSource(StreamTableView, 'StreamTable')
