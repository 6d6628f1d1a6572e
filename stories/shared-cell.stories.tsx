import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { CellCard } from './support/cell-card.js'
import { useCluster } from './support/cluster.js'
import { argsKey, cellOptions, TIMING_DEFAULTS, type TimingArgs, timingArgTypes } from './support/consensus.js'
import { CostProbe } from './support/cost.js'
import { GroupTable, LeaderBadge, MosaikDevtools, PeerMesh, VersionTimeline } from './support/devtools.js'
import { Row } from './support/ui.js'

const STORE = 'story.shared-counter'

export interface SharedCellArgs extends TimingArgs {
  writers: number
  readers: number
  /** Writer 1 writes this many times a second (0 = only on click). */
  writesPerSecond: number
  /** Mount the devtools (turn off to compare the app's cost without them). */
  devtools: boolean
  /** Show the devtools views inline as well as in the floating panel. */
  inlineViews: boolean
}

function SharedCellDemo(args: SharedCellArgs): ReactNode {
  const { writers, readers, writesPerSecond, devtools, inlineViews } = args
  const { cluster, nodes, error } = useCluster({ name: 'story-shared-cell' }, (c) =>
    c.addMany(writers + readers, (i) => (i < writers ? 'writer' : 'reader')),
  )
  const options = cellOptions(args)
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, fontFamily: 'system-ui, sans-serif' }}>
      {error && <pre style={{ color: 'crimson' }}>{error}</pre>}
      <Row>
        {nodes.map((n) => (
          <CellCard key={n.n} node={n} storeId={STORE} options={options} autoWrite={n.n === 1 ? writesPerSecond : 0} />
        ))}
      </Row>
      {cluster && devtools && (
        <CostProbe store={cluster.store}>
          {inlineViews && (
            <>
              <Row>
                <LeaderBadge storeId={STORE} store={cluster.store} />
              </Row>
              <GroupTable store={cluster.store} />
              <Row>
                <PeerMesh storeId={STORE} store={cluster.store} />
                <VersionTimeline storeId={STORE} store={cluster.store} width={520} />
              </Row>
            </>
          )}
          <MosaikDevtools store={cluster.store} storageKey="mosaik-devtools.shared-cell" />
        </CostProbe>
      )}
    </div>
  )
}

/**
 * One cell, five in-page nodes on the memory transport: three writers (normal members,
 * one of them leads) and two readers (observers, drawn as hollow squares). Each node has
 * its own `NetworkProvider` and card; press +1 on any writer and every card, and the
 * devtools below, show the new version.
 */
const meta = {
  title: 'Cells/Shared cell',
  component: SharedCellDemo,
  args: { writers: 3, readers: 2, writesPerSecond: 0, devtools: true, inlineViews: true, ...TIMING_DEFAULTS },
  argTypes: {
    writesPerSecond: { control: { type: 'range', min: 0, max: 200, step: 10 } },
    writers: { control: { type: 'range', min: 1, max: 7 } },
    readers: { control: { type: 'range', min: 0, max: 5 } },
    ...timingArgTypes,
  },
} satisfies Meta<typeof SharedCellDemo>

export default meta
export const SharedCell: StoryObj<typeof meta> = {
  render: (args) => <SharedCellDemo key={argsKey(args)} {...args} />,
}
