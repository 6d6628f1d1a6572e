import type { ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import { type GroupRef, selectGroup, shallowEqual, sortedReplicas } from '../selectors.js'
import { box, colors, peerColor, shortPeer } from './theme.js'

export interface VersionTimelineProps extends GroupRef {
  /** How much history to show, ms (default 30 000). */
  windowMs?: number
  width?: number
  height?: number
}

const PAD = { left: 40, right: 8, top: 8, bottom: 18 }

function VersionTimelineView({
  storeId,
  groupId,
  windowMs = 30_000,
  width = 480,
  height = 160,
}: VersionTimelineProps): ReactNode {
  const [group, now] = useDevtoolsStore((s) => [selectGroup(s, { storeId, groupId }), s.now] as const, shallowEqual)
  const replicas = sortedReplicas(group)
  // Until `windowMs` of history exists, span what there is (at least 5 s).
  let first = now
  for (const r of replicas) if (r.commits[0] && r.commits[0].at < first) first = r.commits[0].at
  for (const l of group?.leaders ?? []) if (l.at < first) first = l.at
  const span = Math.min(windowMs, Math.max(5000, now - first))
  const from = now - span
  let lo = Number.POSITIVE_INFINITY
  let hi = 0
  for (const r of replicas) {
    for (const p of r.commits) {
      if (p.at < from) continue
      lo = Math.min(lo, p.version)
      hi = Math.max(hi, p.version)
    }
    lo = Math.min(lo, r.commit)
    hi = Math.max(hi, r.commit)
  }
  if (!Number.isFinite(lo)) lo = 0
  if (hi <= lo) hi = lo + 1
  const w = width - PAD.left - PAD.right
  const h = height - PAD.top - PAD.bottom
  const x = (at: number) => PAD.left + (Math.max(at, from) - from) * (w / span)
  const y = (v: number) => PAD.top + h - ((v - lo) / (hi - lo)) * h

  const lines = replicas.map((r) => {
    // A step line: a version holds until the next commit; the last one runs to `now`.
    const pts: string[] = []
    let prev: number | undefined
    for (const p of r.commits) {
      if (p.at < from) {
        prev = p.version
        continue
      }
      if (prev !== undefined) pts.push(`${x(p.at)},${y(prev)}`)
      else if (pts.length === 0) pts.push(`${x(p.at)},${y(p.version)}`)
      pts.push(`${x(p.at)},${y(p.version)}`)
      prev = p.version
    }
    if (prev === undefined) prev = r.commit
    if (pts.length === 0) pts.push(`${x(from)},${y(prev)}`)
    pts.push(`${x(now)},${y(prev)}`)
    return (
      <polyline
        key={r.peer}
        data-peer={r.peer}
        points={pts.join(' ')}
        fill="none"
        stroke={peerColor(r.peer)}
        strokeWidth={r.preference === 'observer' ? 1 : 2}
        strokeDasharray={r.active ? undefined : '3 3'}
      />
    )
  })
  const leaders = (group?.leaders ?? []).filter((l) => l.at >= from)
  const reverts = (group?.reverts ?? []).filter((rv) => rv.at >= from)
  return (
    <div style={box} data-testid="mosaik-version-timeline" data-max-version={group ? hi : 0}>
      <svg width={width} height={height} role="img" aria-label="versions over time per replica">
        <title>versions over time</title>
        <text x={4} y={PAD.top + 8} fill={colors.muted} fontSize={10}>
          {hi}
        </text>
        <text x={4} y={PAD.top + h} fill={colors.muted} fontSize={10}>
          {lo}
        </text>
        <text x={PAD.left} y={height - 4} fill={colors.muted} fontSize={10}>
          -{Math.round(span / 1000)}s
        </text>
        <text x={width - PAD.right - 20} y={height - 4} fill={colors.muted} fontSize={10}>
          now
        </text>
        <rect x={PAD.left} y={PAD.top} width={w} height={h} fill="none" stroke={colors.border} />
        {leaders.map((l, i) => (
          <g key={`l${l.term}${l.leader}${l.at}`} data-mark="leader">
            <line
              x1={x(l.at)}
              x2={x(l.at)}
              y1={PAD.top}
              y2={PAD.top + h}
              stroke={colors.leader}
              strokeDasharray="4 3"
            />
            {/* Labels step down so that elections close together stay readable. */}
            <text
              x={Math.min(x(l.at) + 2, width - PAD.right - 70)}
              y={PAD.top + 10 + (i % 4) * 11}
              fill={colors.leader}
              fontSize={10}
            >
              t{l.term} {shortPeer(l.leader)}
            </text>
          </g>
        ))}
        {reverts.map((rv) => (
          <g key={`r${rv.peer}${rv.at}`} data-mark="revert">
            <line x1={x(rv.at)} x2={x(rv.at)} y1={PAD.top} y2={PAD.top + h} stroke={colors.bad} />
            <circle cx={x(rv.at)} cy={y(rv.version)} r={4} fill={colors.bad} />
          </g>
        ))}
        {lines}
      </svg>
    </div>
  )
}

/** Committed version over time, one line per replica; leader changes (amber) and reverts (red) marked. */
export const VersionTimeline = withDevtoolsSource(VersionTimelineView, 'VersionTimeline')
