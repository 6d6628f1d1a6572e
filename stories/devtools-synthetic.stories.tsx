import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useEffect, useState } from 'react'
import { SyntheticCluster } from '../src/devtools/synthetic.js'
import { CostProbe } from './support/cost.js'
import {
  createDevtoolsStore,
  GroupTable,
  LeaderBadge,
  MosaikDevtools,
  PeerMesh,
  VersionTimeline,
} from './support/devtools.js'
import { Button, Row } from './support/ui.js'

interface SyntheticArgs {
  writers: number
  readers: number
  writesPerSecond: number
  /** Mount the views (off: only the fake cluster runs, to compare costs). */
  mounted: boolean
}

/**
 * The devtools views fed by a synthetic cluster (telemetry only, no network): what each
 * view draws, and how they react to writes, failover and reverts.
 */
function SyntheticDemo({ writers, readers, writesPerSecond, mounted }: SyntheticArgs): ReactNode {
  const [cluster] = useState(() => new SyntheticCluster({ writers, readers, storeId: 'demo.cell' }))
  const [store] = useState(() => createDevtoolsStore())
  useEffect(() => {
    const detach = cluster.nodes.map((n) => store.attach(n))
    cluster.start()
    return () => {
      for (const d of detach) d()
    }
  }, [cluster, store])
  useEffect(() => {
    if (writesPerSecond <= 0) return
    const t = setInterval(() => cluster.write(), 1000 / writesPerSecond)
    return () => clearInterval(t)
  }, [cluster, writesPerSecond])
  const controls = (
    <Row>
      <Button onClick={() => cluster.write()} testId="synthetic-write">
        write
      </Button>
      <Button onClick={() => cluster.failover()}>stop leader</Button>
      <Button onClick={() => cluster.revert(cluster.live.at(-1)!.peerId, Math.max(0, cluster.version - 5))}>
        revert last replica
      </Button>
      {mounted && <LeaderBadge storeId="demo.cell" store={store} />}
    </Row>
  )
  if (!mounted) return controls
  return (
    <CostProbe store={store}>
      <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
        {controls}
        <GroupTable store={store} />
        <Row>
          <PeerMesh storeId="demo.cell" store={store} />
          <VersionTimeline storeId="demo.cell" store={store} />
        </Row>
        <MosaikDevtools store={store} initialIsOpen={false} storageKey="mosaik-devtools.synthetic" />
      </div>
    </CostProbe>
  )
}

const meta = {
  title: 'Devtools/Synthetic cluster',
  component: SyntheticDemo,
  args: { writers: 3, readers: 2, writesPerSecond: 5, mounted: true },
  argTypes: {
    writers: { control: { type: 'range', min: 1, max: 7 } },
    readers: { control: { type: 'range', min: 0, max: 4 } },
    writesPerSecond: { control: { type: 'range', min: 0, max: 100 } },
  },
} satisfies Meta<typeof SyntheticDemo>

export default meta
export const Views: StoryObj<typeof meta> = {
  render: (args) => <SyntheticDemo key={`${args.writers}/${args.readers}`} {...args} />,
}
