import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { CellCard } from './support/cell-card.js'
import { useCluster } from './support/cluster.js'
import { ClusterViews } from './support/cluster-views.js'
import { argsKey, cellOptions, TIMING_DEFAULTS, type TimingArgs, timingArgTypes } from './support/consensus.js'
import { Button, Label, Row } from './support/ui.js'

const STORE = 'story.partition-counter'

export interface PartitionArgs extends TimingArgs {
  nodes: number
  /** Strict mode: `consensus.minVoters = nodes`, so a minority can neither elect nor commit. */
  strict: boolean
}

function PartitionDemo(args: PartitionArgs): ReactNode {
  const { nodes: count, strict } = args
  const { cluster, nodes, error } = useCluster({ name: 'story-partition', partitionable: true }, (c) =>
    c.addMany(count),
  )
  const options = cellOptions(args, strict ? count : 0)
  const minority = nodes.slice(0, Math.floor((count - 1) / 2))
  const partitioned = cluster ? nodes.some((n) => cluster.side(n) !== 0) : false
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      {error && <pre style={{ color: 'crimson' }}>{error}</pre>}
      <Row style={{ alignItems: 'center' }}>
        <Button testId="split" disabled={!cluster || partitioned} onClick={() => void cluster?.isolate(minority)}>
          cut nodes {minority.map((n) => n.n).join(', ')} off ({minority.length} | {count - minority.length})
        </Button>
        <Button testId="heal" disabled={!partitioned} onClick={() => void cluster?.heal()}>
          heal
        </Button>
        <Label>
          {strict
            ? `strict mode (minVoters ${count}): the minority stalls, its writes fail "offline"`
            : 'default mode: the minority may elect its own leader; on heal the higher term wins and its writes are reverted'}
        </Label>
      </Row>
      <Row>
        {nodes.map((n) => {
          const side = cluster?.side(n) ?? 0
          return (
            <div key={n.n} style={{ outline: side ? '3px solid #f97316' : undefined, borderRadius: 8 }}>
              <CellCard node={n} storeId={STORE} options={options}>
                <Button
                  onClick={() => void (side ? cluster?.heal() : cluster?.isolate([n]))}
                  title={side ? 'heal every cut' : 'cut all links of this node'}
                  testId="isolate"
                >
                  {side ? 'heal' : 'isolate'}
                </Button>
              </CellCard>
            </div>
          )
        })}
      </Row>
      {cluster && <ClusterViews store={cluster.store} storeId={STORE} storageKey="mosaik-devtools.partition" />}
    </div>
  )
}

/**
 * Cut a minority off (its links are refused by a connection gater and dropped), write on
 * both sides, then heal. In the default mode the minority elects its own leader and commits;
 * after the heal the higher term wins, the minority's replicas report a revert (red marks on
 * the timeline) and every replica converges. In strict mode the minority stalls instead.
 */
const meta = {
  title: 'Cells/Partition',
  component: PartitionDemo,
  args: { nodes: 5, strict: false, ...TIMING_DEFAULTS },
  argTypes: {
    nodes: { control: { type: 'range', min: 3, max: 7 } },
    strict: { control: 'boolean' },
    ...timingArgTypes,
  },
} satisfies Meta<typeof PartitionDemo>

export default meta
export const DefaultMode: StoryObj<typeof meta> = {
  render: (args) => <PartitionDemo key={argsKey(args)} {...args} />,
}
export const StrictMode: StoryObj<typeof meta> = {
  args: { strict: true },
  render: (args) => <PartitionDemo key={argsKey(args)} {...args} />,
}
