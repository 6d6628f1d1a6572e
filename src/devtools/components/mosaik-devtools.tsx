import { type CSSProperties, type ReactNode, useEffect, useState } from 'react'
import { DevtoolsProvider, type DevtoolsSourceProps, useDevtoolsStore } from '../context.js'
import { DataLossBanner, useRevertCount } from './data-loss.js'
import { EventLog } from './event-log.js'
import { GroupTable } from './group-table.js'
import { LeaderBadge } from './leader-badge.js'
import { PeerMesh } from './peer-mesh.js'
import { PeerTable } from './peer-table.js'
import { StoreWarnings } from './store-warnings.js'
import { StreamTable } from './stream-table.js'
import { colors, font } from './theme.js'
import { VersionTimeline } from './version-timeline.js'

export type DockSide = 'bottom' | 'left' | 'right'

export interface MosaikDevtoolsProps extends DevtoolsSourceProps {
  /** Open on first visit (afterwards the last state, kept in localStorage, wins). */
  initialIsOpen?: boolean
  /** Dock side on first visit (default 'bottom'). */
  initialDock?: DockSide
  /** Where the toggle button floats (default 'bottom-right'). */
  buttonPosition?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'
  /** localStorage key prefix (default 'mosaik-devtools'); use distinct ones for several panels. */
  storageKey?: string
}

type Tab = 'groups' | 'peers' | 'streams' | 'events'

function usePersisted<T extends string | boolean>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = globalThis.localStorage?.getItem(key)
      if (raw !== null && raw !== undefined) return JSON.parse(raw) as T
    } catch {
      // Private mode or no DOM: fall back to the initial value.
    }
    return initial
  })
  useEffect(() => {
    try {
      globalThis.localStorage?.setItem(key, JSON.stringify(value))
    } catch {
      // Not persisted; the panel still works.
    }
  }, [key, value])
  return [value, setValue]
}

const button: CSSProperties = {
  ...font,
  background: colors.panel,
  border: `1px solid ${colors.border}`,
  borderRadius: 4,
  padding: '2px 8px',
  cursor: 'pointer',
}

function Overview(): ReactNode {
  const ids = useDevtoolsStore((s) => Object.keys(s.groups).sort().join(','))
  const list = ids ? ids.split(',') : []
  const [picked, setPicked] = useState<string | undefined>(undefined)
  const selected = picked && list.includes(picked) ? picked : list[0]
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      <GroupTable selected={selected} onSelect={setPicked} />
      {selected && (
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'flex-start' }}>
          <div style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
            <LeaderBadge groupId={selected} />
            <PeerMesh groupId={selected} size={220} />
          </div>
          <VersionTimeline groupId={selected} width={460} height={200} />
        </div>
      )}
    </div>
  )
}

function Panel({ dock, setDock, close }: { dock: DockSide; setDock: (d: DockSide) => void; close: () => void }) {
  const [tab, setTab] = useState<Tab>('groups')
  const counts = useDevtoolsStore(
    (s) => `${Object.keys(s.nodes).length} nodes · ${Object.keys(s.groups).length} groups`,
  )
  const place: CSSProperties =
    dock === 'bottom'
      ? { left: 0, right: 0, bottom: 0, height: '45vh', borderTop: `1px solid ${colors.border}` }
      : { top: 0, bottom: 0, [dock]: 0, width: 'min(720px, 60vw)', borderLeft: `1px solid ${colors.border}` }
  return (
    <section
      data-testid="mosaik-devtools-panel"
      data-dock={dock}
      aria-label="mosaik devtools"
      style={{
        ...font,
        position: 'fixed',
        zIndex: 99999,
        background: colors.panel,
        overflow: 'auto',
        contain: 'strict',
        ...place,
      }}
    >
      <header
        style={{
          display: 'flex',
          gap: 8,
          alignItems: 'center',
          padding: 6,
          borderBottom: `1px solid ${colors.border}`,
        }}
      >
        <strong>mosaik devtools</strong>
        <span style={{ color: colors.muted }}>{counts}</span>
        <span style={{ flex: 1 }} />
        {(['groups', 'peers', 'streams', 'events'] as const).map((t) => (
          <button
            key={t}
            type="button"
            style={{ ...button, borderColor: t === tab ? colors.leader : colors.border }}
            onClick={() => setTab(t)}
          >
            {t}
          </button>
        ))}
        {(['left', 'bottom', 'right'] as const).map((d) => (
          <button
            key={d}
            type="button"
            title={`dock ${d}`}
            aria-pressed={d === dock}
            style={{ ...button, color: d === dock ? colors.leader : colors.text }}
            onClick={() => setDock(d)}
          >
            {d === 'left' ? '◧' : d === 'bottom' ? '⬓' : '◨'}
          </button>
        ))}
        <button type="button" title="close" aria-label="close devtools" style={button} onClick={close}>
          ✕
        </button>
      </header>
      <div style={{ padding: 8, display: 'flex', flexDirection: 'column', gap: 8 }}>
        <DataLossBanner />
        <StoreWarnings />
        {tab === 'groups' ? (
          <Overview />
        ) : tab === 'peers' ? (
          <PeerTable />
        ) : tab === 'streams' ? (
          <StreamTable />
        ) : (
          <EventLog limit={200} />
        )}
      </div>
    </section>
  )
}

/** The closed panel's button; red, with the count, once any replica reverted committed entries. */
function Toggle({ style, open }: { style: CSSProperties; open: () => void }): ReactNode {
  const reverts = useRevertCount()
  const loss = reverts > 0
  return (
    <button
      type="button"
      data-testid="mosaik-devtools-toggle"
      data-reverts={reverts}
      aria-label={loss ? `open mosaik devtools: data loss, ${reverts} reverts` : 'open mosaik devtools'}
      style={{
        ...button,
        position: 'fixed',
        zIndex: 99999,
        padding: '6px 10px',
        ...(loss && { background: colors.bad, color: '#fff', fontWeight: 700 }),
        ...style,
      }}
      onClick={open}
    >
      {loss ? `◆ mosaik · data loss (${reverts} reverts)` : '◆ mosaik'}
    </button>
  )
}

/**
 * A floating, collapsible devtools panel (like TanStack Query's): groups with role, term,
 * leader and version per member, the bond mesh and version timeline of the selected
 * group, peers and an event log. Remembers open/closed and dock side in localStorage. A
 * revert (committed entries rolled back: data loss) turns the closed button red and puts a red
 * banner on top of the open panel.
 */
export function MosaikDevtoolsPanel(props: MosaikDevtoolsProps): ReactNode {
  const { initialIsOpen = false, initialDock = 'bottom', buttonPosition = 'bottom-right' } = props
  const key = props.storageKey ?? 'mosaik-devtools'
  const [open, setOpen] = usePersisted(`${key}.open`, initialIsOpen)
  const [dock, setDock] = usePersisted<DockSide>(`${key}.dock`, initialDock)
  const [v, hz] = buttonPosition.split('-') as ['top' | 'bottom', 'left' | 'right']
  return (
    <DevtoolsProvider store={props.store} network={props.network} networks={props.networks}>
      {open ? (
        <Panel dock={dock} setDock={setDock} close={() => setOpen(false)} />
      ) : (
        <Toggle style={{ [v]: 12, [hz]: 12 }} open={() => setOpen(true)} />
      )}
    </DevtoolsProvider>
  )
}
