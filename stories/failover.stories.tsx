import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { CellCard } from './support/cell-card.js'
import { useCluster } from './support/cluster.js'
import { ClusterViews } from './support/cluster-views.js'
import { argsKey, cellOptions, TIMING_DEFAULTS, type TimingArgs, timingArgTypes } from './support/consensus.js'
import { LeaderBadge, shortPeer } from './support/devtools.js'
import { useLeaderNode } from './support/leader.js'
import { Button, Row } from './support/ui.js'

const STORE = 'story.failover-counter'

export interface FailoverArgs extends TimingArgs {
  writers: number
  readers: number
  /** Each running writer writes this many times a second. */
  writesPerSecond: number
}

function FailoverDemo(args: FailoverArgs): ReactNode {
  const { writers, readers, writesPerSecond } = args
  const { cluster, nodes, error } = useCluster({ name: 'story-failover' }, (c) =>
    c.addMany(writers + readers, (i) => (i < writers ? 'writer' : 'reader')),
  )
  const leader = useLeaderNode(cluster, STORE)
  const options = cellOptions(args)
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      {error && <pre style={{ color: 'crimson' }}>{error}</pre>}
      <Row style={{ alignItems: 'center' }}>
        <Button
          testId="stop-leader"
          disabled={!leader}
          onClick={() => leader && void cluster?.stop(leader)}
          title="stop the leader's whole network"
        >
          stop the leader{leader ? ` (node ${leader.n} ${shortPeer(leader.net.peerId)})` : ''}
        </Button>
        {cluster && <LeaderBadge storeId={STORE} store={cluster.store} />}
      </Row>
      <Row>
        {nodes.map((n) => (
          <CellCard
            key={n.n}
            node={n}
            storeId={STORE}
            options={options}
            autoWrite={n.role === 'writer' ? writesPerSecond : 0}
          >
            <Button onClick={() => void cluster?.stop(n)} disabled={n.stopped}>
              stop
            </Button>
          </CellCard>
        ))}
      </Row>
      {cluster && (
        <ClusterViews
          store={cluster.store}
          storeId={STORE}
          storageKey="mosaik-devtools.failover"
          table={false}
          logLimit={30}
        />
      )}
    </div>
  )
}

/**
 * Stop the leader and watch the rest elect a new one (a new term, marked amber on the
 * timeline) while the surviving writers keep writing. Stop leaders until only one writer
 * is left: in the default mode it still leads itself.
 */
const meta = {
  title: 'Cells/Failover',
  component: FailoverDemo,
  args: { writers: 3, readers: 1, writesPerSecond: 1, ...TIMING_DEFAULTS },
  argTypes: {
    writers: { control: { type: 'range', min: 2, max: 7 } },
    readers: { control: { type: 'range', min: 0, max: 4 } },
    writesPerSecond: { control: { type: 'range', min: 0, max: 20 } },
    ...timingArgTypes,
  },
} satisfies Meta<typeof FailoverDemo>

export default meta
export const Failover: StoryObj<typeof meta> = {
  render: (args) => <FailoverDemo key={argsKey(args)} {...args} />,
}
