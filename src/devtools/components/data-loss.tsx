import type { ReactNode } from 'react'
import { useDevtoolsStore } from '../context.js'
import type { DevtoolsState, GroupInfo } from '../state.js'
import { colors, font, shortPeer } from './theme.js'

/** What a group's reverts cost: committed entries rolled back, and the last revert. */
export interface DataLoss {
  readonly group: string
  readonly kind: string | undefined
  readonly reverts: number
  readonly dropped: number
  readonly last: { readonly at: number; readonly peer: string; readonly version: number }
}

/** The data loss of one group (undefined when none of its replicas ever rolled back). */
export function dataLossOf(group: GroupInfo): DataLoss | undefined {
  const last = group.reverts[group.reverts.length - 1]
  if (!last) return undefined
  const dropped = group.reverts.reduce((n, r) => n + r.dropped, 0)
  return { group: group.id, kind: group.kind, reverts: group.reverts.length, dropped, last }
}

/** One line a user cannot misread: committed entries were rolled back, where and when. */
export function dataLossText(loss: DataLoss): string {
  const { last } = loss
  const what = `${loss.dropped} committed ${loss.dropped === 1 ? 'entry' : 'entries'} reverted`
  const where = `group ${loss.group.slice(0, 8)}${loss.kind ? ` ${loss.kind}` : ''}`
  return (
    `data loss: ${what} in ${where} (${loss.reverts} ${loss.reverts === 1 ? 'revert' : 'reverts'}; ` +
    `last: ${shortPeer(last.peer)} back to version ${last.version} at ${(last.at / 1000).toFixed(1)} s)`
  )
}

/** Stable across unrelated state changes (a string), so the banner re-renders only on a revert. */
function lossKey(s: DevtoolsState): string {
  return Object.values(s.groups)
    .map((g) => `${g.id}:${g.reverts.length}`)
    .filter((k) => !k.endsWith(':0'))
    .sort()
    .join(',')
}

/** Total reverts recorded (for the closed devtools toggle). */
export function useRevertCount(): number {
  return useDevtoolsStore((s) => s.totals.reverts)
}

/**
 * A red banner per group whose replicas rolled back committed entries (a default-mode merge
 * after a split: writes that were acknowledged are gone). Renders nothing when there is none.
 */
export function DataLossBanner({ groupId }: { groupId?: string }): ReactNode {
  useDevtoolsStore(lossKey)
  const groups = useDevtoolsStore((s) => s.groups)
  const losses = Object.values(groups)
    .filter((g) => groupId === undefined || g.id === groupId)
    .flatMap((g) => dataLossOf(g) ?? [])
  if (losses.length === 0) return null
  return (
    <div role="alert" data-testid="mosaik-data-loss" style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
      {losses.map((loss) => (
        <div
          key={loss.group}
          data-group={loss.group}
          data-dropped={loss.dropped}
          style={{
            ...font,
            background: colors.bad,
            color: '#fff',
            fontWeight: 700,
            padding: '4px 8px',
            borderRadius: 4,
          }}
        >
          {dataLossText(loss)}
        </div>
      ))}
    </div>
  )
}
