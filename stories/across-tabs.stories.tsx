import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useEffect, useState } from 'react'
import { NetworkProvider, useCellWriter, useNetwork, useNetworkStatus } from '../src/react/index.js'
import { useCluster } from './support/cluster.js'
import { cellOptions, TIMING_DEFAULTS } from './support/consensus.js'
import { GroupTable, LeaderBadge, MosaikDevtools, PeerMesh, peerColor, shortPeer } from './support/devtools.js'
import { type RelayInfo, useRelay } from './support/relay.js'
import { Button, card, Label, Row } from './support/ui.js'

const STORE = 'playground.counter'
// Every tab must use the same options: they are part of the group id.
const OPTIONS = cellOptions(TIMING_DEFAULTS)

/** This tab's peers, and whether each link is a direct WebRTC connection or relayed. */
function Links(): ReactNode {
  const net = useNetwork()
  const [links, setLinks] = useState<{ peer: string; via: string }[]>([])
  useEffect(() => {
    const read = () =>
      setLinks(
        net.libp2p.getConnections().map((c) => {
          const addr = c.remoteAddr.toString()
          const via = addr.includes('/webrtc') ? 'webrtc' : addr.includes('/p2p-circuit') ? 'relayed' : 'websocket'
          return { peer: c.remotePeer.toString(), via }
        }),
      )
    read()
    const t = setInterval(read, 1000)
    return () => clearInterval(t)
  }, [net])
  return (
    <div style={card} data-testid="links">
      <div style={{ fontSize: 11, color: '#64748b' }}>this tab: {shortPeer(net.peerId)}, links:</div>
      <ul style={{ margin: '4px 0 0', paddingLeft: 16 }}>
        {links.map((l) => (
          <li key={`${l.peer}${l.via}`} data-via={l.via} style={{ color: peerColor(l.peer) }}>
            {shortPeer(l.peer)} <span style={{ color: '#64748b' }}>{l.via}</span>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** What `useNetworkStatus()` shows: the line a real app would put in its header. */
function NetStatus(): ReactNode {
  const { status, peers, relays, reason } = useNetworkStatus()
  const color = status === 'online' ? '#16a34a' : status === 'offline' ? '#dc2626' : '#64748b'
  return (
    <div style={{ ...card, color }} data-testid="net-status" data-status={status} data-relays={relays} title={reason}>
      network {status} · {peers} peer{peers === 1 ? '' : 's'} · {relays} relay{relays === 1 ? '' : 's'}
      {reason && status !== 'online' ? <div style={{ fontSize: 11, color: '#64748b' }}>{reason}</div> : null}
    </div>
  )
}

function Counter(): ReactNode {
  const cell = useCellWriter<number>(STORE, OPTIONS)
  const [error, setError] = useState<string>()
  return (
    <div
      style={{ ...card, minWidth: 240 }}
      data-testid="cell-card"
      data-role="writer"
      data-version={cell.version}
      data-value={cell.value ?? ''}
    >
      <Row style={{ justifyContent: 'space-between' }}>
        <strong>shared counter</strong>
        <span data-testid="cell-status">{cell.status}</span>
      </Row>
      <div style={{ fontSize: 40, fontWeight: 600 }}>{cell.pendingValue ?? cell.value ?? 0}</div>
      <div style={{ fontSize: 11, color: '#64748b' }}>
        v{cell.version} · {cell.role} · leader {shortPeer(cell.leader)}
      </div>
      <Row style={{ marginTop: 6 }}>
        <Button
          testId="increment"
          disabled={cell.status !== 'online'}
          onClick={() => {
            setError(undefined)
            cell.update((n) => (n ?? 0) + 1).catch((e: Error) => setError(e.message))
          }}
        >
          +1
        </Button>
      </Row>
      {error && <div style={{ color: '#dc2626', fontSize: 11 }}>{error}</div>}
    </div>
  )
}

function Tab({ relay }: { relay: RelayInfo }): ReactNode {
  // The tab's network is created here (not by the provider) so that the devtools store is
  // attached before the cell opens and sees it join.
  const { cluster, nodes, error } = useCluster(
    { name: relay.network, fixedName: true, transport: 'browser', bootstrap: relay.addresses },
    (c) => c.add('writer').then(() => undefined),
  )
  const node = nodes[0]
  if (error) return <pre style={{ color: 'crimson' }}>{error}</pre>
  if (!cluster || !node) return <p>starting this tab's peer…</p>
  return (
    <NetworkProvider network={node.net}>
      <Row>
        <Counter />
        <Links />
        <NetStatus />
        <LeaderBadge storeId={STORE} store={cluster.store} />
      </Row>
      <GroupTable store={cluster.store} />
      <Row>
        <PeerMesh storeId={STORE} store={cluster.store} />
      </Row>
      <MosaikDevtools store={cluster.store} storageKey="mosaik-devtools.across-tabs" />
    </NetworkProvider>
  )
}

function AcrossTabsDemo({ relay: relayArg }: { relay: string }): ReactNode {
  const relay = useRelay(relayArg)
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      <Label>
        open this story in a second tab: each tab is one peer; they find each other through the local relay and connect
        directly over WebRTC
      </Label>
      {relay.status === 'looking' && <p>looking for the local relay…</p>}
      {relay.status === 'missing' && (
        <p data-testid="no-relay">
          No relay found ({relay.why}). Start the playground with <code>npm start</code>, which runs the relay and tells
          this story where it is, or paste a relay multiaddr in the <code>relay</code> control.
        </p>
      )}
      {relay.status === 'found' && (
        <>
          <div style={{ fontSize: 11, color: '#64748b' }}>relay {relay.info.addresses[0]}</div>
          <Tab relay={relay.info} />
        </>
      )}
    </div>
  )
}

/**
 * Peers in separate browser tabs sharing one cell over WebRTC, signalled through the local
 * relay that `npm start` runs on 127.0.0.1. Each tab's devtools show the shared group.
 */
const meta = {
  title: 'Playground/Across tabs',
  component: AcrossTabsDemo,
  args: { relay: '' },
  argTypes: { relay: { control: 'text', description: 'relay multiaddr (default: the one npm start runs)' } },
} satisfies Meta<typeof AcrossTabsDemo>

export default meta
export const AcrossTabs: StoryObj<typeof meta> = {
  render: (args) => <AcrossTabsDemo key={args.relay} {...args} />,
}
