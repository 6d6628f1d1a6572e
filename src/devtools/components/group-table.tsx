import { Fragment, type ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import { leaderOf, sortedReplicas } from '../selectors.js'
import type { GroupInfo } from '../state.js'
import { dataLossOf, dataLossText } from './data-loss.js'
import { TableHead } from './table-head.js'
import { box, cell, colors, peerColor, roleColor, shortPeer } from './theme.js'

export interface GroupTableProps {
  /** Highlights this group (hex id) and is called with a group id when a row is clicked. */
  selected?: string
  onSelect?: (groupId: string) => void
}

const HEAD = [
  'group',
  'member',
  'role',
  'term',
  'leader',
  'version',
  'size',
  'log',
  'bonds',
  'sync',
  'reverts',
  'refused',
]

function GroupRows({ group, selected, onSelect }: { group: GroupInfo } & GroupTableProps): ReactNode {
  const replicas = sortedReplicas(group)
  const { leader } = leaderOf(group)
  return replicas.map((r, i) => {
    const observer = r.preference === 'observer'
    const bonds = Object.values(r.bonds)
    return (
      <tr
        key={r.peer}
        data-testid="mosaik-group-row"
        data-group={group.id}
        data-peer={r.peer}
        data-role={r.role}
        data-term={r.term}
        data-version={r.commit}
        data-reverted={r.reverted}
        data-size={r.size ?? ''}
        data-sync={r.sync?.phase ?? ''}
        onClick={onSelect ? () => onSelect(group.id) : undefined}
        style={{
          cursor: onSelect ? 'pointer' : undefined,
          background: selected === group.id ? '#1e293b' : undefined,
          opacity: r.online ? 1 : 0.6,
        }}
      >
        <td style={cell} title={group.id}>
          {i === 0 ? `${group.id.slice(0, 8)}${group.kind ? ` ${group.kind}` : ''}` : ''}
        </td>
        <td style={{ ...cell, color: peerColor(r.peer) }} title={r.peer}>
          {shortPeer(r.peer)}
          {observer ? ' (observer)' : ''}
        </td>
        <td style={{ ...cell, color: roleColor(r.role, observer) }}>{r.role}</td>
        <td style={cell}>{r.term}</td>
        <td style={{ ...cell, color: r.leader === leader ? colors.text : colors.bad }}>{shortPeer(r.leader)}</td>
        <td style={cell}>{r.commit}</td>
        <td style={cell} data-testid="mosaik-group-size">
          {r.size ?? ''}
        </td>
        <td style={cell}>{r.logLength}</td>
        <td style={cell}>
          {bonds.filter((b) => b.up).length}/{bonds.length}
        </td>
        <td style={cell}>{r.sync ? r.sync.phase : ''}</td>
        <td style={{ ...cell, color: r.reverted ? colors.bad : colors.muted }}>{r.reverted}</td>
        <td
          style={{ ...cell, color: r.refused.length ? colors.bad : colors.muted }}
          data-testid="mosaik-refused"
          title={r.refused.map((x) => `${shortPeer(x.remote)}: ${x.reason} (${x.detail})`).join('\n')}
        >
          {r.refused.length ? `${r.refused.length} (${r.refused.at(-1)?.reason})` : 0}
        </td>
      </tr>
    )
  })
}

function GroupTableView(props: GroupTableProps): ReactNode {
  const groups = useDevtoolsStore((s) => s.groups)
  const list = Object.values(groups).sort((a, b) => (a.id < b.id ? -1 : 1))
  return (
    <div style={{ ...box, overflowX: 'auto' }} data-testid="mosaik-group-table">
      {list.length === 0 ? (
        <div style={{ color: colors.muted }}>no groups yet</div>
      ) : (
        <table style={{ borderCollapse: 'collapse', width: '100%' }}>
          <TableHead columns={HEAD} />
          <tbody>
            {list.map((g) => {
              const loss = dataLossOf(g)
              return (
                <Fragment key={g.id}>
                  {loss && (
                    <tr data-testid="mosaik-data-loss-row" data-group={g.id} data-dropped={loss.dropped}>
                      <td
                        colSpan={HEAD.length}
                        style={{ ...cell, background: colors.bad, color: '#fff', fontWeight: 700 }}
                      >
                        {dataLossText(loss)}
                      </td>
                    </tr>
                  )}
                  <GroupRows group={g} {...props} />
                </Fragment>
              )
            })}
          </tbody>
        </table>
      )}
    </div>
  )
}

/**
 * Every group with one row per member: role, term, leader it follows, committed version, log,
 * bonds; above a group whose replicas rolled back committed entries, a red "data loss" row.
 */
export const GroupTable = withDevtoolsSource(GroupTableView, 'GroupTable')
