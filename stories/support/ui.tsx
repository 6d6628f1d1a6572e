/** Small inline-styled building blocks shared by the stories. */
import type { CSSProperties, ReactNode } from 'react'

export const card: CSSProperties = {
  fontFamily: 'system-ui, sans-serif',
  fontSize: 13,
  border: '1px solid #cbd5e1',
  borderRadius: 8,
  padding: 10,
  minWidth: 180,
  background: '#f8fafc',
}

export function Row({ children, style }: { children?: ReactNode; style?: CSSProperties }): ReactNode {
  return (
    <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'flex-start', ...style }}>{children}</div>
  )
}

export function Button(props: {
  onClick: () => void
  children?: ReactNode
  disabled?: boolean
  testId?: string
  title?: string
}): ReactNode {
  return (
    <button
      type="button"
      onClick={props.onClick}
      disabled={props.disabled}
      data-testid={props.testId}
      title={props.title}
      style={{
        font: 'inherit',
        fontSize: 13,
        padding: '4px 10px',
        borderRadius: 6,
        border: '1px solid #64748b',
        background: props.disabled ? '#e2e8f0' : '#fff',
        cursor: props.disabled ? 'default' : 'pointer',
      }}
    >
      {props.children}
    </button>
  )
}

export function Label({ children }: { children?: ReactNode }): ReactNode {
  return (
    <div style={{ fontSize: 11, color: '#64748b', textTransform: 'uppercase', letterSpacing: 0.5 }}>{children}</div>
  )
}
