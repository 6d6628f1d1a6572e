import type { ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import { type GroupRef, leaderOf, sameLeader, selectGroup } from '../selectors.js'
import { colors, font, peerColor, shortPeer } from './theme.js'

export interface LeaderBadgeProps extends GroupRef {
  /** Text before the leader (default "leader"). */
  label?: string
}

function LeaderBadgeView({ storeId, groupId, label = 'leader' }: LeaderBadgeProps): ReactNode {
  const { leader, term } = useDevtoolsStore((s) => leaderOf(selectGroup(s, { storeId, groupId })), sameLeader)
  return (
    <span
      data-testid="mosaik-leader-badge"
      data-leader={leader ?? ''}
      data-term={term}
      title={leader ?? 'no leader'}
      style={{
        ...font,
        display: 'inline-flex',
        alignItems: 'center',
        gap: 6,
        padding: '2px 8px',
        borderRadius: 999,
        background: colors.bg,
        border: `1px solid ${leader ? colors.leader : colors.border}`,
      }}
    >
      <span
        style={{ width: 8, height: 8, borderRadius: 4, background: leader ? peerColor(leader) : colors.observer }}
      />
      {label} {leader ? shortPeer(leader) : 'none'} <span style={{ color: colors.muted }}>term {term}</span>
    </span>
  )
}

/** The current leader and term of one group (by `storeId` or `groupId`). */
export const LeaderBadge = withDevtoolsSource(LeaderBadgeView, 'LeaderBadge')
