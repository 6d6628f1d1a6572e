import type { ReactNode } from 'react'
import { useDevtoolsStore, withDevtoolsSource } from '../context.js'
import { box, colors } from './theme.js'

function StoreWarningsView(): ReactNode {
  const warnings = useDevtoolsStore((s) => s.warnings)
  if (warnings.length === 0) return null
  return (
    <div
      role="alert"
      data-testid="mosaik-store-warnings"
      style={{ ...box, borderColor: colors.leader, color: colors.leader }}
    >
      {warnings.map((w) => (
        <div
          key={`${w.peer}|${w.remote}|${w.store}|${w.remoteGroup}`}
          data-testid="mosaik-store-warning"
          data-store={w.store}
          data-differs={w.differs.join(',')}
        >
          ⚠ store {w.store}:{' '}
          {w.differs.length > 0
            ? `${w.differs.join(', ')} differ${w.differs.length === 1 ? 's' : ''}`
            : 'options differ'}{' '}
          between peers {w.peer.slice(-6)} and {w.remote.slice(-6)}: they are in different groups and never share a
          value
        </div>
      ))}
    </div>
  )
}

/**
 * Warns when peers opened the same store id with options that make it another group
 * (mismatched `typeName`, `sync` or `consensus`), naming the option when it is known.
 * Renders nothing when all is well.
 */
export const StoreWarnings = withDevtoolsSource(StoreWarningsView, 'StoreWarnings')
