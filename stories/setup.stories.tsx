import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { defineOnce } from '../src/collections/index.js'
import { useNetwork, useOnceReader, useOnceWriter } from '../src/react/index.js'
import type { DemoNode } from './support/cluster.js'
import { CollectionDemo, DEMO_CONSENSUS, StatusLine } from './support/collection-demo.js'
import { shortPeer } from './support/devtools.js'
import { Button } from './support/ui.js'

interface Setup {
  admin: string
  region: string
}
const STORE = 'story.setup'
const Config = defineOnce<Setup>(STORE, { typeName: 'Setup', consensus: DEMO_CONSENSUS })

function SetupView(): ReactNode {
  const { value, status, version } = useOnceReader(Config)
  return (
    <>
      <StatusLine status={status} version={version} size={value ? 1 : 0} unit="set" />
      <div data-testid="setup">
        {value ? `admin ${shortPeer(value.admin)}, region ${value.region}` : 'not set up yet'}
      </div>
    </>
  )
}

function Claim({ region }: { region: string }): ReactNode {
  const me = useNetwork().peerId
  const config = useOnceWriter(Config)
  return (
    <Button
      onClick={() => config.write({ admin: me, region }).catch(console.error)}
      disabled={!config.online}
      testId="claim"
    >
      set up as admin ({region})
    </Button>
  )
}

/**
 * A one-time setup on a replicated `Once`: several writers may press "set up" at the same
 * moment; the first write the group commits wins everywhere and every later one changes
 * nothing (it still commits, so the buttons never hang).
 */
const meta = {
  title: 'Collections/One-time setup (Once)',
  component: CollectionDemo,
  args: {
    name: 'story-setup',
    storeId: STORE,
    writers: 3,
    readers: 1,
    node: (n: DemoNode) => (
      <>
        <SetupView />
        {n.role === 'writer' && <Claim region={['eu', 'us', 'ap'][(n.n - 1) % 3] as string} />}
      </>
    ),
  },
} satisfies Meta<typeof CollectionDemo>

export default meta
export const SetupStory: StoryObj<typeof meta> = { name: 'One-time setup' }
