import type { Meta, StoryObj } from '@storybook/react-vite'
import { type ReactNode, useEffect, useState } from 'react'
import { SyntheticCluster } from '../src/devtools/synthetic.js'
import { GroupTable, LeaderBadge, MosaikDevtools, PeerMesh, VersionTimeline } from './support/devtools.js'
import { Button, Row } from './support/ui.js'

/**
 * The devtools views fed by a synthetic cluster (telemetry only, no network): what each
 * view draws, and how they react to writes, failover and reverts.
 */
function SyntheticDemo({
  writers,
  readers,
  writesPerSecond,
}: {
  writers: number
  readers: number
  writesPerSecond: number
}): ReactNode {
  const [cluster] = useState(() => new SyntheticCluster({ writers, readers, storeId: 'demo.cell' }))
  useEffect(() => {
    // Start after the views attached (they listen only while mounted).
    const t = setTimeout(() => cluster.start(), 0)
    return () => clearTimeout(t)
  }, [cluster])
  useEffect(() => {
    if (writesPerSecond <= 0) return
    const t = setInterval(() => cluster.write(), 1000 / writesPerSecond)
    return () => clearInterval(t)
  }, [cluster, writesPerSecond])
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <Row>
        <Button onClick={() => cluster.write()}>write</Button>
        <Button onClick={() => cluster.failover()}>stop leader</Button>
        <Button onClick={() => cluster.revert(cluster.live.at(-1)!.peerId, Math.max(0, cluster.version - 5))}>
          revert last replica
        </Button>
        <LeaderBadge storeId="demo.cell" networks={cluster.nodes} />
      </Row>
      <GroupTable networks={cluster.nodes} />
      <Row>
        <PeerMesh storeId="demo.cell" networks={cluster.nodes} />
        <VersionTimeline storeId="demo.cell" networks={cluster.nodes} />
      </Row>
      <MosaikDevtools networks={cluster.nodes} initialIsOpen={false} storageKey="mosaik-devtools.synthetic" />
    </div>
  )
}

const meta = {
  title: 'Devtools/Synthetic cluster',
  component: SyntheticDemo,
  args: { writers: 3, readers: 2, writesPerSecond: 5 },
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
