import type { ReactNode } from 'react'
import type { PeerId } from '../../core/id.js'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import { type GroupRef, leaderOf, selectGroup, shallowEqual } from '../selectors.js'
import type { DevtoolsState, MeshEdge } from '../state.js'

/** What the drawing needs; unchanged by commits, so the mesh does not re-render on writes. */
function meshView(s: DevtoolsState, ref: GroupRef): [Readonly<Record<string, MeshEdge>> | undefined, string, string] {
  const group = selectGroup(s, ref)
  const members = Object.values(group?.replicas ?? {})
    .map((r) => `${r.peer}:${r.role}:${r.preference}`)
    .sort()
    .join(',')
  return [group?.mesh, members, leaderOf(group).leader ?? '']
}

import { box, colors, peerColor, roleColor, shortPeer } from './theme.js'

export interface PeerMeshProps extends GroupRef {
  /** Side of the square drawing, px (default 240). */
  size?: number
}

function PeerMeshView({ storeId, groupId, size = 240 }: PeerMeshProps): ReactNode {
  const [mesh, members, leaderId] = useDevtoolsStore((s) => meshView(s, { storeId, groupId }), shallowEqual)
  const leader = leaderId || undefined
  const replicas = new Map(
    (members ? members.split(',') : []).map((m) => {
      const [peer, role, preference] = m.split(':') as [PeerId, string, string]
      return [peer, { role, preference }] as const
    }),
  )
  // Members: replicas reporting here, plus peers only known from others' bonds.
  const peers = new Set<PeerId>(replicas.keys())
  for (const e of Object.values(mesh ?? {})) {
    peers.add(e.a)
    peers.add(e.b)
  }
  const order = [...peers].sort()
  const c = size / 2
  const radius = order.length <= 1 ? 0 : size / 2 - 28
  const pos = new Map(
    order.map((p, i) => {
      const a = (2 * Math.PI * i) / order.length - Math.PI / 2
      return [p, { x: c + radius * Math.cos(a), y: c + radius * Math.sin(a) }] as const
    }),
  )
  const edges = Object.entries(mesh ?? {})
  return (
    <div style={{ ...box, display: 'inline-block' }} data-testid="mosaik-peer-mesh" data-leader={leader ?? ''}>
      <svg width={size} height={size} role="img" aria-label="bond mesh">
        <title>bond mesh</title>
        {edges.map(([key, e]) => {
          const a = pos.get(e.a)!
          const b = pos.get(e.b)!
          return (
            <line
              key={key}
              data-up={e.up}
              x1={a.x}
              y1={a.y}
              x2={b.x}
              y2={b.y}
              stroke={e.up ? colors.muted : colors.bad}
              strokeWidth={e.up ? 1.5 : 1}
              strokeDasharray={e.up ? undefined : '5 4'}
            />
          )
        })}
        {order.map((p) => {
          const { x, y } = pos.get(p)!
          const r = replicas.get(p)
          const observer = r?.preference === 'observer'
          const fill = r ? roleColor(r.role, observer) : colors.observer
          const isLeader = p === leader
          return (
            <g key={p} data-peer={p} data-role={r?.role ?? 'unknown'} data-observer={observer}>
              {isLeader && <circle cx={x} cy={y} r={17} fill="none" stroke={colors.leader} strokeWidth={3} />}
              {observer ? (
                <rect x={x - 9} y={y - 9} width={18} height={18} fill={colors.bg} stroke={fill} strokeWidth={2} />
              ) : (
                <circle cx={x} cy={y} r={11} fill={fill} stroke={peerColor(p)} strokeWidth={2} />
              )}
              <text x={x} y={y + 26} fill={colors.text} fontSize={10} textAnchor="middle">
                {shortPeer(p)}
              </text>
            </g>
          )
        })}
      </svg>
    </div>
  )
}

/**
 * The bond mesh of one group: members on a circle, the leader ringed in amber, observers
 * as hollow squares, bonds that are down dashed red.
 */
export const PeerMesh = withDevtoolsSource(PeerMeshView, 'PeerMesh')
