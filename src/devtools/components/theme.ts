/** Inline styles and colours shared by the devtools views (no CSS framework, no global CSS). */
import type { CSSProperties } from 'react'
import type { PeerId } from '../../core/id.js'

export const colors = {
  bg: '#0f172a',
  panel: '#111827',
  border: '#334155',
  text: '#e2e8f0',
  muted: '#94a3b8',
  leader: '#f59e0b',
  follower: '#38bdf8',
  candidate: '#a78bfa',
  observer: '#64748b',
  ok: '#22c55e',
  bad: '#ef4444',
}

export const font: CSSProperties = {
  fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  fontSize: 12,
  lineHeight: 1.4,
  color: colors.text,
}

export const box: CSSProperties = {
  ...font,
  background: colors.bg,
  border: `1px solid ${colors.border}`,
  borderRadius: 6,
  padding: 8,
  // Updates inside a view never re-lay out the app around it.
  contain: 'content',
}

export const cell: CSSProperties = { padding: '2px 8px', borderBottom: `1px solid ${colors.border}`, textAlign: 'left' }

export const roleColor = (role: string, observer = false): string =>
  observer
    ? colors.observer
    : role === 'leader'
      ? colors.leader
      : role === 'candidate'
        ? colors.candidate
        : colors.follower

/** A stable colour per peer (hue from a hash of the id). */
export function peerColor(peer: PeerId): string {
  // FNV-1a, then the golden angle: ids that differ in one character get distant hues.
  let h = 0x811c9dc5
  for (let i = 0; i < peer.length; i++) h = Math.imul(h ^ peer.charCodeAt(i), 0x01000193) >>> 0
  return `hsl(${Math.round((h * 137.508) % 360)}, 70%, 60%)`
}

/** The last 6 characters of a peer id: distinct enough in a demo, short enough for a table. */
export const shortPeer = (peer: PeerId | undefined): string => (peer ? `…${peer.slice(-6)}` : '—')
