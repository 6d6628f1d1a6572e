/** A pad where the pointer is this peer's cursor and every other peer's cursor is drawn (`usePresence`). */
import { type ReactNode, useEffect, useRef } from 'react'
import { useNetwork, useOthers, usePresence } from '../../src/react/index.js'
import { peerColor, shortPeer } from './devtools.js'

export type CursorPresence = { name: string; cursor: { x: number; y: number } | null }

export const PAD = { width: 320, height: 200 }

/** One remote cursor; re-renders only when that peer's presence changes. */
function RemoteCursor({ room, peer }: { room: string; peer: string }): ReactNode {
  const p = useOthers<CursorPresence, CursorPresence | undefined>(room, (o) => o.find((x) => x.peer === peer)?.presence)
  if (!p?.cursor) return null
  return (
    <div
      data-testid="cursor"
      data-peer={peer}
      data-x={p.cursor.x}
      data-y={p.cursor.y}
      style={{
        position: 'absolute',
        left: p.cursor.x,
        top: p.cursor.y,
        pointerEvents: 'none',
        color: peerColor(peer),
        fontSize: 11,
        whiteSpace: 'nowrap',
      }}
    >
      ▲ {p.name}
    </div>
  )
}

const peersOf = (o: readonly { peer: string }[]) => o.map((x) => x.peer).join(',')

export function CursorPad({ room, autoMove = false }: { room: string; autoMove?: boolean }): ReactNode {
  const net = useNetwork()
  const { self, update } = usePresence<CursorPresence>(room, { name: shortPeer(net.peerId), cursor: null })
  // Re-renders when someone comes or goes, not when they move.
  const peers = useOthers<CursorPresence, string>(room, peersOf)
  const t = useRef(Math.random() * 10)
  useEffect(() => {
    if (!autoMove) return
    const timer = setInterval(() => {
      t.current += 0.05
      const x = Math.round(PAD.width / 2 + Math.cos(t.current) * 120)
      const y = Math.round(PAD.height / 2 + Math.sin(t.current * 1.3) * 70)
      update({ cursor: { x, y } })
    }, 50)
    return () => clearInterval(timer)
  }, [autoMove, update])
  return (
    <div
      data-testid="cursor-pad"
      data-peer={net.peerId}
      data-others={peers ? peers.split(',').length : 0}
      onPointerMove={(e) => {
        const r = e.currentTarget.getBoundingClientRect()
        update({ cursor: { x: Math.round(e.clientX - r.left), y: Math.round(e.clientY - r.top) } })
      }}
      onPointerLeave={() => update({ cursor: null })}
      style={{
        position: 'relative',
        width: PAD.width,
        height: PAD.height,
        border: `2px solid ${peerColor(net.peerId)}`,
        borderRadius: 8,
        background: '#f8fafc',
        overflow: 'hidden',
        cursor: 'crosshair',
      }}
    >
      <div style={{ position: 'absolute', left: 6, top: 4, fontSize: 11, color: '#64748b' }}>
        {self.name} · {peers ? peers.split(',').length : 0} other(s) here
      </div>
      {peers
        .split(',')
        .filter(Boolean)
        .map((peer) => (
          <RemoteCursor key={peer} room={room} peer={peer} />
        ))}
    </div>
  )
}
