import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { NetworkProvider } from '../src/react/index.js'
import { useCluster } from './support/cluster.js'
import { CursorPad } from './support/cursor-pad.js'
import { MosaikDevtools, StreamTable } from './support/devtools.js'
import { type RelayInfo, useRelay } from './support/relay.js'
import { Label, Row } from './support/ui.js'

const ROOM = 'playground.cursors'

export interface InPageArgs {
  peers: number
  /** Peers after the first move their cursor by themselves at 20 Hz. */
  autoMove: boolean
}

function InPageDemo({ peers, autoMove }: InPageArgs): ReactNode {
  const { cluster, nodes, error } = useCluster({ name: 'story-cursors' }, (c) => c.addMany(peers))
  if (error) return <pre style={{ color: 'crimson' }}>{error}</pre>
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      <Label>
        each pad is one in-page peer; move the pointer over a pad and its cursor shows on every other pad (presence over
        a stream, no consensus)
      </Label>
      <Row style={{ flexWrap: 'wrap' }}>
        {nodes
          .filter((n) => !n.stopped)
          .map((n) => (
            <NetworkProvider key={n.n} network={n.net}>
              <CursorPad room={ROOM} autoMove={autoMove && n.n > 1} />
            </NetworkProvider>
          ))}
      </Row>
      {cluster && <StreamTable store={cluster.store} />}
      {cluster && <MosaikDevtools store={cluster.store} storageKey="mosaik-devtools.cursors" />}
    </div>
  )
}

function Tab({ relay }: { relay: RelayInfo }): ReactNode {
  const { cluster, nodes, error } = useCluster(
    { name: relay.network, fixedName: true, transport: 'browser', bootstrap: relay.addresses },
    (c) => c.add('writer').then(() => undefined),
  )
  const node = nodes[0]
  if (error) return <pre style={{ color: 'crimson' }}>{error}</pre>
  if (!cluster || !node) return <p>starting this tab's peer…</p>
  return (
    <NetworkProvider network={node.net}>
      <CursorPad room={ROOM} />
      <StreamTable store={cluster.store} />
      <MosaikDevtools store={cluster.store} storageKey="mosaik-devtools.cursors-tabs" />
    </NetworkProvider>
  )
}

function AcrossTabsDemo({ relay: relayArg }: { relay: string }): ReactNode {
  const relay = useRelay(relayArg)
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      <Label>
        open this story in a second tab: move the pointer over the pad and watch the cursor in the other tab
      </Label>
      {relay.status === 'looking' && <p>looking for the local relay…</p>}
      {relay.status === 'missing' && (
        <p data-testid="no-relay">
          No relay found ({relay.why}). Start the playground with <code>npm start</code>, or paste a relay multiaddr in
          the <code>relay</code> control.
        </p>
      )}
      {relay.status === 'found' && <Tab relay={relay.info} />}
    </div>
  )
}

/**
 * Live cursors with `usePresence`: each peer produces its presence on the room's stream and
 * consumes everyone else's; a peer that leaves disappears at once, a silent one after three
 * missed heartbeats.
 */
const meta = {
  title: 'Playground/Live cursors',
} satisfies Meta

export default meta

export const InPage: StoryObj<typeof InPageDemo> = {
  args: { peers: 3, autoMove: true },
  argTypes: { peers: { control: { type: 'range', min: 2, max: 8 } } },
  render: (args) => <InPageDemo key={`${args.peers}`} {...args} />,
}

export const AcrossTabs: StoryObj<typeof AcrossTabsDemo> = {
  args: { relay: '' },
  argTypes: { relay: { control: 'text', description: 'relay multiaddr (default: the one npm start runs)' } },
  render: (args) => <AcrossTabsDemo key={args.relay} {...args} />,
}
