import type { ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import { box, colors, peerColor, shortPeer } from './theme.js'

export interface EventLogProps {
  /** Lines shown, newest first (default 50). */
  limit?: number
}

function EventLogView({ limit = 50 }: EventLogProps): ReactNode {
  const events = useDevtoolsStore((s) => s.events)
  const shown = events.slice(-limit).reverse()
  return (
    <div style={{ ...box, maxHeight: 240, overflowY: 'auto' }} data-testid="mosaik-event-log">
      {shown.map((e) => (
        <div key={e.seq} style={{ whiteSpace: 'nowrap' }}>
          <span style={{ color: colors.muted }}>{(e.at / 1000).toFixed(1)}s </span>
          <span style={{ color: peerColor(e.peer) }}>{shortPeer(e.peer)} </span>
          <span
            style={{ color: e.type === 'group.reverted' || e.type === 'input.rejected' ? colors.bad : colors.text }}
          >
            {e.text}
          </span>
        </div>
      ))}
    </div>
  )
}

/** Recent notable events (elections, bonds, syncs, reverts, rejected inputs), newest first. */
export const EventLog = withDevtoolsSource(EventLogView, 'EventLog')
