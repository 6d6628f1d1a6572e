import type { ReactNode } from 'react'
import { cell, colors } from './theme.js'

/** The header row shared by the devtools tables. */
export function TableHead({ columns }: { columns: readonly string[] }): ReactNode {
  return (
    <thead>
      <tr>
        {columns.map((h) => (
          <th key={h} style={{ ...cell, color: colors.muted, fontWeight: 'normal' }}>
            {h}
          </th>
        ))}
      </tr>
    </thead>
  )
}
